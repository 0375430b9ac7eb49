#!/usr/bin/env node
'use strict';
// Usage: node validate.js DIR... ; prints FILE:LINE: problem, exits 1 if there is any.
const { validate } = require('./lib/check');

async function main() {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error('usage: terraform/validate DIR...');
    process.exit(2);
  }
  const problems = await validate(dirs);
  for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
  if (problems.length) {
    console.log(`${problems.length} problem(s) in ${dirs.join(' ')}`);
    process.exit(1);
  }
  console.log(`OK: ${dirs.join(' ')} (syntax, fmt, references, google provider schema)`);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});

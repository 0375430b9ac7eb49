'use strict';
// The policy defaults the module writes to Firestore must be the contract's (docs/CONTRACT.md),
// which a Java test in turn holds to RolloutPolicy.defaults(): a drift in any of the three
// would roll services out with a policy nobody chose.
const { test } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const hcl2json = require('@cdktf/hcl2json');

const REPO = path.resolve(__dirname, '..', '..', '..');

function contractPolicy() {
  const doc = fs.readFileSync(path.join(REPO, 'docs', 'CONTRACT.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Policy JSON'));
  const m = section.match(/```json\n([\s\S]*?)\n```/);
  assert.ok(m, 'docs/CONTRACT.md has a ```json block under "## Policy JSON"');
  return JSON.parse(m[1]);
}

test('the module\'s policy defaults are the contract\'s', async () => {
  const file = path.join(REPO, 'terraform', 'main.tf');
  const parsed = await hcl2json.parse(file, fs.readFileSync(file, 'utf8'));
  const locals = Object.assign({}, ...parsed.locals);
  assert.ok(locals.policy_defaults, 'terraform/main.tf declares local.policy_defaults');
  assert.deepStrictEqual(locals.policy_defaults, contractPolicy());
});

'use strict';
// The layout rules of `terraform fmt` (hclwrite's format.go) that change real files:
//   1. indentation: 2 spaces per open bracket level, counted per line as hclwrite does
//      (a line with net opening brackets indents the following lines one level);
//   2. "=" alignment: in a run of consecutive lines that each hold a complete one-line
//      assignment, the "=" signs line up one space after the longest name, and exactly one
//      space follows "=";
//   3. trailing comments on consecutive code lines line up the same way;
//   4. no trailing whitespace, no tab indentation, and the file ends with a newline.
// Heredoc bodies are left alone, as fmt leaves them. Spacing inside expressions (a=b,
// "${ x }") is not checked.
const { bracketChange } = require('./hcl');

function checkFormat(src, tokens, heredocLines) {
  const problems = [];
  const report = (line, message) => problems.push({ line, message: `fmt: ${message}` });
  const lines = src.split('\n');

  lines.forEach((text, idx) => {
    const n = idx + 1;
    if (heredocLines.has(n)) return;
    if (/[ \t]+\r?$/.test(text)) report(n, 'trailing whitespace');
    if (/^ *\t/.test(text)) report(n, 'tab in indentation (terraform fmt indents with spaces)');
  });
  if (src.length > 0 && !src.endsWith('\n')) report(lines.length, 'file does not end with a newline');

  // Group tokens into lines, as hclwrite does: a newline (or a line comment) ends a line.
  const rows = [];
  let row = [];
  for (const t of tokens) {
    if (t.type === 'nl') {
      rows.push(row);
      row = [];
    } else {
      row.push(t);
    }
  }
  rows.push(row);

  // Cells per line: lead, assign (from "=" when the rest of the line is a whole expression)
  // and a trailing comment.
  const cells = rows.map((toks) => {
    if (toks.length === 0 || heredocLines.has(toks[0].line)) return null;
    let lead = toks;
    let comment = null;
    if (lead.length > 1 && lead[lead.length - 1].type === 'comment') {
      comment = lead[lead.length - 1];
      lead = lead.slice(0, -1);
    }
    let assign = null;
    const eq = lead.findIndex((t, i) => i > 0 && t.type === 'punct' && t.text === '=');
    if (eq > 0) {
      const rest = lead.slice(eq);
      if (rest.reduce((sum, t) => sum + bracketChange(t), 0) === 0) {
        assign = rest;
        lead = lead.slice(0, eq);
      }
    }
    return { line: toks[0].line, first: toks[0], lead, assign, comment };
  });

  // 1. Indentation.
  const indents = [];
  for (const c of cells) {
    if (!c) continue;
    let net = 0;
    for (const t of c.lead.concat(c.assign || [])) {
      net += bracketChange(t);
      if (t.type === 'heredoc') break;
    }
    let want;
    if (net > 0) {
      want = 2 * indents.length;
      indents.push(net);
    } else {
      let closed = -net;
      while (closed > 0 && indents.length > 0) {
        const topOpen = indents[indents.length - 1];
        if (closed >= topOpen) {
          closed -= topOpen;
          indents.pop();
        } else {
          indents[indents.length - 1] -= closed;
          closed = 0;
        }
      }
      want = 2 * indents.length;
    }
    if (c.first.col !== want) {
      report(c.line, `indentation is ${c.first.col} spaces, terraform fmt wants ${want}`);
    }
  }

  // 2 and 3. Alignment of "=" and of trailing comments in runs of consecutive lines.
  const endCol = (toks) => toks[toks.length - 1].col + (toks[toks.length - 1].end - toks[toks.length - 1].start);
  const align = (pick, leadEnd, what) => {
    let run = [];
    const close = () => {
      if (run.length === 0) return;
      const target = Math.max(...run.map(leadEnd)) + 1;
      for (const c of run) {
        const tok = pick(c);
        if (tok.col !== target) {
          report(c.line, `${what} at column ${tok.col + 1}, terraform fmt aligns it at column ${target + 1}`);
        }
      }
      run = [];
    };
    cells.forEach((c) => {
      if (c && pick(c)) run.push(c);
      else close();
    });
    close();
  };
  align((c) => c.assign && c.assign[0], (c) => endCol(c.lead), '"="');
  align((c) => c.comment, (c) => endCol(c.assign || c.lead), 'comment');

  for (const c of cells) {
    if (!c || !c.assign || c.assign.length < 2) continue;
    const [eq, value] = c.assign;
    if (value.line === eq.line && value.col !== eq.col + 2) {
      report(c.line, 'terraform fmt puts exactly one space after "="');
    }
  }
  return problems;
}

module.exports = { checkFormat };

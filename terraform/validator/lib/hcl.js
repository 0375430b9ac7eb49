'use strict';
// A positioned HCL native-syntax scanner and body parser. It runs only on files that the
// real HCL parser (@cdktf/hcl2json) has accepted, so it can stay small: its jobs are line
// numbers (which hcl2json does not give) and the token lines that the fmt check needs.

const PUNCT = ['...', '::', '==', '!=', '<=', '>=', '=>', '&&', '||', '${', '%{',
  '{', '}', '[', ']', '(', ')', '=', '.', ',', ':', '?', '!', '+', '-', '*', '/', '%', '<', '>'];
const OPEN = new Set(['{', '[', '(', '${', '%{']);
const CLOSE = new Set(['}', ']', ')']);

// Tokens: {type, text, line (1-based), col (0-based), start, end}. Types: ident, number,
// punct, oquote, qlit, cquote, seqend ("}" closing ${ or %{), heredoc (opener through
// closing marker, one token), comment, nl.
function tokenize(src) {
  const tokens = [];
  const heredocLines = new Set(); // lines inside a heredoc after its opener: fmt leaves them
  let i = 0;
  let line = 1;
  let lineStart = 0;
  // Context stack: 'code' entries count open braces so that the "}" closing an
  // interpolation is told apart from one closing an object; 'quote' is inside "...".
  const stack = [{ kind: 'code', braces: 0 }];
  const push = (type, start, end) => {
    tokens.push({ type, text: src.slice(start, end), line, col: start - lineStart, start, end });
  };
  const newline = (at) => {
    line += 1;
    lineStart = at + 1;
  };

  while (i < src.length) {
    const top = stack[stack.length - 1];
    const c = src[i];
    if (top.kind === 'quote') {
      if (c === '"') {
        push('cquote', i, i + 1);
        stack.pop();
        i += 1;
      } else if ((c === '$' || c === '%') && src[i + 1] === '{') {
        push('punct', i, i + 2);
        stack.push({ kind: 'code', braces: 0, interp: true });
        i += 2;
      } else {
        let j = i;
        while (j < src.length && src[j] !== '"' && src[j] !== '\n') {
          if (src[j] === '\\') j += 2;
          else if ((src[j] === '$' || src[j] === '%') && src[j + 1] === '{') break;
          else if ((src[j] === '$' || src[j] === '%') && src[j + 1] === src[j] && src[j + 2] === '{') j += 3;
          else j += 1;
        }
        if (j === i) throw new Error(`unterminated string at line ${line}`);
        push('qlit', i, j);
        i = j;
      }
      continue;
    }
    if (c === '\n') {
      push('nl', i, i + 1);
      newline(i);
      i += 1;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      let j = src.indexOf('\n', i);
      if (j < 0) j = src.length;
      push('comment', i, j);
      i = j;
    } else if (c === '/' && src[i + 1] === '*') {
      const j = src.indexOf('*/', i + 2) + 2;
      push('comment', i, j);
      for (let k = i; k < j; k++) if (src[k] === '\n') newline(k);
      i = j;
    } else if (c === '"') {
      push('oquote', i, i + 1);
      stack.push({ kind: 'quote' });
      i += 1;
    } else if (c === '<' && src[i + 1] === '<' && /^<<-?[A-Za-z_][\w-]*\r?\n/.test(src.slice(i, i + 200))) {
      // Heredoc: one token from "<<EOT" through the line holding only the marker.
      const opener = src.slice(i).match(/^<<(-?)([A-Za-z_][\w-]*)/);
      const marker = opener[2];
      const startLine = line;
      const startCol = i - lineStart;
      let j = src.indexOf('\n', i);
      let end = src.length;
      while (j >= 0 && j < src.length) {
        newline(j);
        heredocLines.add(line);
        const next = src.indexOf('\n', j + 1);
        const text = src.slice(j + 1, next < 0 ? src.length : next);
        if (text.trim() === marker) {
          end = j + 1 + text.length;
          break;
        }
        j = next;
      }
      tokens.push({ type: 'heredoc', text: src.slice(i, end), line: startLine, col: startCol, start: i, end });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = src.slice(i).match(/^[A-Za-z_][\w-]*/);
      push('ident', i, i + m[0].length);
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = src.slice(i).match(/^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/);
      push('number', i, i + m[0].length);
      i += m[0].length;
    } else {
      const p = PUNCT.find((x) => src.startsWith(x, i));
      if (!p) throw new Error(`unexpected character ${JSON.stringify(c)} at line ${line}`);
      if (p === '{') top.braces += 1;
      if (p === '}') {
        if (top.braces === 0 && top.interp) {
          push('seqend', i, i + 1);
          stack.pop();
          i += 1;
          continue;
        }
        top.braces -= 1;
      }
      push('punct', i, i + p.length);
      i += p.length;
    }
  }
  return { tokens, heredocLines };
}

function bracketChange(tok) {
  if (tok.type === 'seqend') return -1;
  if (tok.type !== 'punct') return 0;
  if (OPEN.has(tok.text)) return 1;
  if (CLOSE.has(tok.text)) return -1;
  return 0;
}

// Body items: {kind: 'attr', name, line, col, expr: {text, start, line, col, tokens}} and
// {kind: 'block', type, labels, line, col, body}.
function parseBody(src, tokens) {
  let pos = 0;
  const sig = tokens.filter((t) => t.type !== 'comment');
  const peek = () => sig[pos];

  function body(closing) {
    const items = [];
    for (;;) {
      while (peek() && peek().type === 'nl') pos += 1;
      const t = peek();
      if (!t) return items;
      if (closing && t.type === 'punct' && t.text === '}') {
        pos += 1;
        return items;
      }
      if (t.type !== 'ident') throw new Error(`line ${t.line}: expected an argument or block`);
      pos += 1;
      const next = peek();
      if (next && next.type === 'punct' && next.text === '=') {
        pos += 1;
        items.push({ kind: 'attr', name: t.text, line: t.line, col: t.col, expr: expression() });
      } else {
        const labels = [];
        while (peek() && !(peek().type === 'punct' && peek().text === '{')) {
          const l = peek();
          if (l.type === 'oquote') {
            const q = sig[pos + 1];
            labels.push(q.type === 'qlit' ? q.text : '');
            pos += q.type === 'qlit' ? 3 : 2;
          } else if (l.type === 'ident') {
            labels.push(l.text);
            pos += 1;
          } else {
            throw new Error(`line ${l.line}: unexpected ${l.text} in block header`);
          }
        }
        pos += 1; // {
        items.push({ kind: 'block', type: t.text, labels, line: t.line, col: t.col, body: body(true) });
      }
    }
  }

  // An expression runs to the end of its line, or to the "}" of a one-line block.
  function expression() {
    const first = pos;
    let depth = 0;
    while (peek()) {
      const t = peek();
      if (depth === 0 && (t.type === 'nl' || (t.type === 'punct' && t.text === '}'))) break;
      depth += bracketChange(t);
      pos += 1;
    }
    const toks = sig.slice(first, pos);
    const start = toks.length ? toks[0].start : sig[first - 1].end;
    const end = toks.length ? toks[toks.length - 1].end : start;
    const at = toks[0] || sig[first - 1];
    return { text: src.slice(start, end), start, line: at.line, col: at.col, tokens: toks };
  }

  return body(false);
}

module.exports = { tokenize, parseBody, bracketChange };

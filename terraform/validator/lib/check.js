'use strict';
// What `terraform validate` checks without a provider binary: syntax (the real HCL parser,
// compiled to wasm in @cdktf/hcl2json), declarations and references, arguments and blocks
// against the google provider schema, required arguments, plus the fmt layout rules.
const fs = require('fs');
const path = require('path');
const hcl2json = require('@cdktf/hcl2json');
const { tokenize, parseBody } = require('./hcl');
const { checkFormat } = require('./fmt');
const schemas = require('./schema');
const FUNCTIONS = require('./functions');
const { checkIam } = require('./iam');

const any = { attrs: {}, blocks: {}, open: true }; // a body we do not check
const attrs = (req, opt = []) => {
  const a = {};
  for (const n of req) a[n] = { required: true };
  for (const n of opt) a[n] = { required: false };
  return a;
};
const block = (body, extra = {}) => ({ required: false, list: true, body, ...extra });
const condition = { attrs: attrs(['condition', 'error_message']), blocks: {} };

// Terraform's own blocks (the language, not a provider).
const LIFECYCLE = {
  attrs: attrs([], ['create_before_destroy', 'prevent_destroy', 'ignore_changes', 'replace_triggered_by']),
  blocks: { precondition: block(condition), postcondition: block(condition) },
};
const META = {
  resource: { attrs: attrs([], ['count', 'for_each', 'provider', 'depends_on']),
    blocks: { lifecycle: block(LIFECYCLE, { list: false }), provisioner: block(any), connection: block(any, { list: false }) } },
  data: { attrs: attrs([], ['count', 'for_each', 'provider', 'depends_on']),
    blocks: { lifecycle: block({ attrs: {}, blocks: LIFECYCLE.blocks }, { list: false }) } },
};
const TOP = {
  variable: { labels: 1, body: { attrs: attrs([], ['type', 'default', 'description', 'sensitive', 'nullable', 'ephemeral']),
    blocks: { validation: block(condition) } } },
  output: { labels: 1, body: { attrs: attrs(['value'], ['description', 'sensitive', 'depends_on', 'ephemeral']),
    blocks: { precondition: block(condition) } } },
  locals: { labels: 0, body: any },
  module: { labels: 1, body: any },
  provider: { labels: 1, body: any },
  terraform: { labels: 0, body: { attrs: attrs([], ['required_version', 'experiments']),
    blocks: { required_providers: block(any, { list: false }), backend: block(any), cloud: block(any, { list: false }),
      provider_meta: block(any) } } },
  moved: { labels: 0, body: { attrs: attrs(['from', 'to']), blocks: {} } },
  import: { labels: 0, body: { attrs: attrs(['to'], ['id', 'identity', 'for_each', 'provider']), blocks: {} } },
  removed: { labels: 0, body: { attrs: attrs(['from']), blocks: { lifecycle: block(any), provisioner: block(any) } } },
  check: { labels: 1, body: { attrs: {}, blocks: { data: block(any), assert: block(condition) } } },
  resource: { labels: 2 },
  data: { labels: 2 },
};
const MODULE_META = ['source', 'version', 'count', 'for_each', 'providers', 'depends_on'];
// Arguments whose expressions are not value expressions: type constraints, addresses,
// provider references and lists of attribute names.
const NOT_VALUES = new Set(['variable.type', 'lifecycle.ignore_changes', 'lifecycle.replace_triggered_by',
  'moved.from', 'moved.to', 'removed.from', 'import.to', 'resource.provider', 'data.provider', 'module.providers',
  'resource.depends_on', 'data.depends_on', 'module.depends_on', 'output.depends_on']);

function closest(name, candidates) {
  let best = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

function editDistance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

const didYouMean = (name, candidates) => {
  const c = closest(name, candidates);
  return c ? ` Did you mean "${c}"?` : '';
};

// Loads one directory: parses every .tf file and collects its declarations.
async function loadDir(dir, problems) {
  const mod = { dir, files: [], variables: {}, locals: {}, resources: {}, data: {}, modules: {}, outputs: {}, ok: true };
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  if (names.length === 0) problems.push({ file: dir, line: 0, message: 'no .tf files in this directory' });
  for (const name of names) {
    const file = path.join(dir, name);
    const src = fs.readFileSync(file, 'utf8');
    try {
      await hcl2json.parse(file, src);
    } catch (e) {
      // HCL diagnostics read "file:LINE,COL-...: Summary; Detail".
      const m = String(e.message || e).match(/:(\d+),\d+(?:-\d+(?:,\d+)?)?: ([^\]]*)/);
      problems.push({ file, line: m ? Number(m[1]) : 0, message: `syntax error: ${m ? m[2] : e.message}` });
      mod.ok = false;
      continue;
    }
    const { tokens, heredocLines } = tokenize(src);
    for (const p of checkFormat(src, tokens, heredocLines)) problems.push({ file, ...p });
    const body = parseBody(src, tokens);
    mod.files.push({ file, body });
    for (const b of body) {
      if (b.kind !== 'block') continue;
      const declare = (table, key, what) => {
        if (table[key]) problems.push({ file, line: b.line, message: `duplicate ${what} "${key}" (first declared at ${path.basename(table[key].file)}:${table[key].line})` });
        else table[key] = { file, line: b.line, block: b };
      };
      if (b.type === 'variable') declare(mod.variables, b.labels[0], 'variable');
      if (b.type === 'output') declare(mod.outputs, b.labels[0], 'output');
      if (b.type === 'module') declare(mod.modules, b.labels[0], 'module');
      if (b.type === 'resource') declare(mod.resources, b.labels.join('.'), 'resource');
      if (b.type === 'data') declare(mod.data, b.labels.join('.'), 'data source');
      if (b.type === 'locals') {
        for (const a of b.body) if (a.kind === 'attr') declare(mod.locals, a.name, 'local value');
      }
    }
  }
  return mod;
}

const hasAttr = (blk, name) => blk.body.some((i) => i.kind === 'attr' && i.name === name);
const attrText = (blk, name) => {
  const a = blk.body.find((i) => i.kind === 'attr' && i.name === name);
  return a ? a.expr.text : null;
};
const unquote = (s) => (s && /^"[^"$%]*"$/.test(s) ? s.slice(1, -1) : null);

// Checks one body against a schema; collects expressions with their scope for the
// reference pass.
function checkBody(ctx, items, schema, where, scope, exprs) {
  const seen = {};
  for (const item of items) {
    if (item.kind === 'attr') {
      if (seen[item.name]) {
        ctx.report(item.line, `argument "${item.name}" is set twice in ${where} (also on line ${seen[item.name]})`);
      }
      seen[item.name] = item.line;
      if (!schema.open && !schema.attrs[item.name]) {
        if (schema.blocks[item.name]) {
          ctx.report(item.line, `"${item.name}" is a block in ${where}, not an argument: write ${item.name} { ... }`);
        } else {
          ctx.report(item.line, `unsupported argument "${item.name}" in ${where}.${didYouMean(item.name, Object.keys(schema.attrs))}`);
        }
      }
      if (!NOT_VALUES.has(`${scope.kind}.${item.name}`) && !NOT_VALUES.has(`${scope.parent}.${item.name}`)) {
        exprs.push({ file: ctx.file, item, scope });
      }
      continue;
    }
    if (item.type === 'dynamic' && !schema.open) {
      const target = item.labels[0];
      const bs = schema.blocks[target];
      if (!bs) {
        ctx.report(item.line, `unsupported block type "${target}" (dynamic) in ${where}.${didYouMean(target, Object.keys(schema.blocks))}`);
        continue;
      }
      seen[target] = seen[target] || item.line;
      const iterator = attrText(item, 'iterator') || target;
      const dynSchema = { attrs: attrs(['for_each'], ['iterator', 'labels']), blocks: {} };
      const isContent = (i) => i.kind === 'block' && i.type === 'content';
      checkBody({ ...ctx, line: item.line }, item.body.filter((i) => !isContent(i)), dynSchema, `dynamic "${target}"`, scope, exprs);
      const contents = item.body.filter(isContent);
      if (contents.length !== 1) ctx.report(item.line, `dynamic "${target}" needs exactly one content block`);
      // The iterator is in scope in the content only.
      const inner = { ...scope, iterators: new Set([...scope.iterators, iterator]) };
      for (const content of contents) {
        checkBody({ ...ctx, line: content.line }, content.body, bs.body, `${where}.${target}`, inner, exprs);
      }
      continue;
    }
    const bs = schema.open ? null : schema.blocks[item.type];
    if (!schema.open && !bs) {
      if (schema.attrs[item.type]) {
        ctx.report(item.line, `"${item.type}" is an argument in ${where}, not a block: write ${item.type} = ...`);
      } else {
        ctx.report(item.line, `unsupported block type "${item.type}" in ${where}.${didYouMean(item.type, Object.keys(schema.blocks))}`);
      }
    }
    if (bs && !bs.list && seen[item.type]) {
      ctx.report(item.line, `too many "${item.type}" blocks in ${where}: at most one is allowed (another on line ${seen[item.type]})`);
    }
    seen[item.type] = seen[item.type] || item.line;
    checkBody({ ...ctx, line: item.line }, item.body, bs ? bs.body : any, `${where}.${item.type}`, { ...scope, parent: item.type }, exprs);
  }
  if (schema.open) return;
  for (const [name, a] of Object.entries(schema.attrs)) {
    if (a.required && !seen[name]) ctx.report(ctx.line, `missing required argument "${name}" in ${where}`);
  }
  for (const [name, b] of Object.entries(schema.blocks)) {
    if (b.required && !seen[name]) ctx.report(ctx.line, `missing required block "${name}" in ${where}`);
  }
}

function mergeSchema(base, meta) {
  return { attrs: { ...base.attrs, ...meta.attrs }, blocks: { ...base.blocks, ...meta.blocks } };
}

// Declarations and schema checks of every top-level block.
async function checkModule(mod, schema, problems, loadModule) {
  const exprs = [];
  for (const { file, body } of mod.files) {
    for (const b of body) {
      const ctx = { file, line: b.line, report: (line, message) => problems.push({ file, line, message }) };
      if (b.kind === 'attr') {
        ctx.report(b.line, `unexpected argument "${b.name}" at the top level of a configuration file`);
        continue;
      }
      const top = TOP[b.type];
      if (!top) {
        ctx.report(b.line, `unsupported block type "${b.type}".${didYouMean(b.type, Object.keys(TOP))}`);
        continue;
      }
      if (b.labels.length !== top.labels) {
        ctx.report(b.line, `a ${b.type} block takes ${top.labels} label(s), found ${b.labels.length}`);
        continue;
      }
      const scope = {
        kind: b.type,
        parent: b.type,
        iterators: new Set(),
        each: hasAttr(b, 'for_each'),
        count: hasAttr(b, 'count'),
      };
      if (scope.each && scope.count) ctx.report(b.line, `${b.type} "${b.labels.join('.')}" sets both count and for_each`);
      let bodySchema = top.body;
      let where = b.type;
      if (b.type === 'resource' || b.type === 'data') {
        const [type, name] = b.labels;
        where = `${b.type === 'data' ? 'data.' : ''}${type}.${name}`;
        const known = schema[b.type][type];
        if (known) {
          bodySchema = mergeSchema(known.body, META[b.type]);
        } else if (/^google(-beta)?_/.test(type) || type.startsWith('google_')) {
          const kinds = Object.keys(schema[b.type]);
          ctx.report(b.line, `the google provider has no ${b.type === 'data' ? 'data source' : 'resource type'} "${type}".${didYouMean(type, kinds)}`);
          bodySchema = any;
        } else {
          bodySchema = any; // another provider: not in the schema we ship
        }
      } else if (b.type === 'provider' && b.labels[0] === 'google' && schema.provider) {
        bodySchema = mergeSchema(schema.provider, { attrs: attrs([], ['alias']), blocks: {} });
        where = 'provider "google"';
      } else if (b.type === 'module') {
        where = `module.${b.labels[0]}`;
        await checkModuleCall(ctx, mod, b, problems, loadModule);
      }
      checkBody(ctx, b.body, bodySchema, where, scope, exprs);
    }
  }
  await checkReferences(mod, schema, exprs, problems, loadModule);
  problems.push(...checkIam(mod));
}

async function checkModuleCall(ctx, mod, b, problems, loadModule) {
  const source = unquote(attrText(b, 'source'));
  if (!source) {
    ctx.report(b.line, `module "${b.labels[0]}" has no literal source`);
    return;
  }
  if (!source.startsWith('./') && !source.startsWith('../')) return; // registry module: not checked
  const child = await loadModule(path.resolve(mod.dir, source));
  if (!child) {
    ctx.report(b.line, `module "${b.labels[0]}": source "${source}" is not a directory`);
    return;
  }
  const given = new Set();
  for (const a of b.body.filter((i) => i.kind === 'attr')) {
    given.add(a.name);
    if (MODULE_META.includes(a.name)) continue;
    if (!child.variables[a.name]) {
      ctx.report(a.line, `module "${b.labels[0]}" (${source}) has no variable "${a.name}".${didYouMean(a.name, Object.keys(child.variables))}`);
    }
  }
  for (const [name, v] of Object.entries(child.variables)) {
    if (!given.has(name) && !hasAttr(v.block, 'default')) {
      ctx.report(b.line, `module "${b.labels[0]}": missing required variable "${name}" (declared at ${path.relative(process.cwd(), v.file)}:${v.line})`);
    }
  }
}

// Resolves every reference with the real HCL expression parser, which knows for-expression
// scopes; dynamic-block iterators, each and count are scoped here.
async function checkReferences(mod, schema, exprs, problems, loadModule) {
  for (const { file, item, scope } of exprs) {
    const report = (line, message) => problems.push({ file, line, message });
    checkFunctions(item, report);
    let refs;
    try {
      refs = await hcl2json.getReferencesInExpression(file, `"\${${item.expr.text}\n}"`);
    } catch (e) {
      continue; // the file parsed, so this is a construct the wrapper cannot express
    }
    const exprBytes = Buffer.from(item.expr.text);
    for (const ref of refs) {
      const offset = Math.max(0, ref.startPosition - 3);
      const line = item.expr.line + (exprBytes.subarray(0, offset).toString().match(/\n/g) || []).length;
      const message = await resolve(ref.value, scope, mod, schema, loadModule);
      if (message) report(line, message);
    }
  }
}

function checkFunctions(item, report) {
  const toks = item.expr.tokens;
  toks.forEach((t, i) => {
    const next = toks[i + 1];
    const prev = toks[i - 1];
    if (t.type !== 'ident' || !next || next.text !== '(' || next.start !== t.end) return;
    if (prev && prev.text === '::') return; // provider-defined function
    if (!FUNCTIONS.has(t.text)) {
      report(t.line, `call to unknown function "${t.text}".${didYouMean(t.text, [...FUNCTIONS])}`);
    }
  });
}

const isIndex = (part) => /^(\d+|".*")$/.test(part);

async function resolve(value, scope, mod, schema, loadModule) {
  const parts = value.split('.');
  const [root, name] = parts;
  switch (root) {
    case 'var':
      return mod.variables[name] ? null : `reference to undeclared input variable "${name}".${didYouMean(name, Object.keys(mod.variables))}`;
    case 'local':
      return mod.locals[name] ? null : `reference to undeclared local value "${name}".${didYouMean(name, Object.keys(mod.locals))}`;
    case 'each':
      if (scope.kind !== 'resource' && scope.kind !== 'data' && scope.kind !== 'module' && scope.kind !== 'import') return null;
      if (!scope.each) return `"each.${name}" used in a block without for_each`;
      return ['key', 'value'].includes(name) ? null : `each has only "key" and "value", not "${name}"`;
    case 'count':
      if (!scope.count) return '"count.index" used in a block without count';
      return name === 'index' ? null : `count has only "index", not "${name}"`;
    case 'path':
      return ['module', 'root', 'cwd'].includes(name) ? null : `path has module, root and cwd, not "${name}"`;
    case 'terraform':
      return ['workspace', 'applying'].includes(name) ? null : `terraform has workspace and applying, not "${name}"`;
    case 'self':
      return null;
    case 'module': {
      const m = mod.modules[name];
      if (!m) return `reference to undeclared module "${name}".${didYouMean(name, Object.keys(mod.modules))}`;
      const source = unquote(attrText(m.block, 'source'));
      let rest = parts.slice(2);
      if (rest.length && isIndex(rest[0])) rest = rest.slice(1);
      if (!rest.length || !source || !/^\.\.?\//.test(source)) return null;
      const child = await loadModule(path.resolve(mod.dir, source));
      if (child && !child.outputs[rest[0]]) {
        return `module "${name}" has no output "${rest[0]}".${didYouMean(rest[0], Object.keys(child.outputs))}`;
      }
      return null;
    }
    case 'data': {
      const key = `${parts[1]}.${parts[2]}`;
      if (!mod.data[key]) return `reference to undeclared data source "data.${key}"`;
      return checkAttribute(parts.slice(3), mod.data[key], schema.data[parts[1]], `data.${key}`);
    }
    default: {
      if (scope.iterators.has(root)) return null;
      if (parts.length < 2) return `invalid reference "${value}": not a declared name, resource or iterator`;
      const key = `${root}.${name}`;
      if (!mod.resources[key]) {
        return `reference to undeclared resource "${key}".${didYouMean(key, Object.keys(mod.resources))}`;
      }
      return checkAttribute(parts.slice(2), mod.resources[key], schema.resource[root], key);
    }
  }
}

// google_x.y.attr: attr must be an argument or computed attribute of that resource type.
function checkAttribute(rest, decl, typeSchema, address) {
  if (!typeSchema || !rest.length) return null;
  const expanded = hasAttr(decl.block, 'count') || hasAttr(decl.block, 'for_each');
  if (expanded) {
    if (!isIndex(rest[0])) return null; // whole collection (e.g. iterated over), or a splat
    rest = rest.slice(1);
  }
  if (!rest.length || isIndex(rest[0])) return null;
  if (!typeSchema.readable.includes(schemas.normalise(rest[0]))) {
    return `${address} has no attribute "${rest[0]}"`;
  }
  return null;
}

// Validates directories and every local module they call; returns problems sorted by file.
async function validate(dirs) {
  const schema = schemas.load();
  const problems = [];
  const cache = new Map();
  const loadModule = async (dir) => {
    const real = fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? fs.realpathSync(dir) : null;
    if (!real) return null;
    if (!cache.has(real)) cache.set(real, loadDir(real, problems));
    return cache.get(real);
  };
  const checked = new Set();
  const queue = dirs.map((d) => path.resolve(d));
  while (queue.length) {
    const dir = queue.shift();
    const mod = await loadModule(dir);
    if (!mod) {
      problems.push({ file: dir, line: 0, message: 'not a directory' });
      continue;
    }
    if (checked.has(mod.dir)) continue;
    checked.add(mod.dir);
    if (!mod.ok) continue; // declarations are incomplete after a syntax error
    await checkModule(mod, schema, problems, loadModule);
    // A local module that an example calls is validated too.
    for (const m of Object.values(mod.modules)) {
      const source = unquote(attrText(m.block, 'source'));
      if (source && /^\.\.?\//.test(source)) queue.push(path.resolve(mod.dir, source));
    }
  }
  const seen = new Set();
  return problems
    .map((p) => ({ ...p, file: path.relative(process.cwd(), p.file) || '.' }))
    .filter((p) => {
      const key = `${p.file}:${p.line}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

module.exports = { validate };

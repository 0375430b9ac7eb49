'use strict';
// Provider schema for the checks: which arguments and nested blocks each resource and data
// source accepts, and which are required. Source: the jsii type system of the pinned
// @cdktf/provider-google (generated from hashicorp/google's own schema). The .jsii file is
// ~100 MB, so the extracted schema is cached under .cache/ keyed by the package version.
const fs = require('fs');
const path = require('path');

const PKG_DIR = path.join(__dirname, '..', 'node_modules', '@cdktf', 'provider-google');
const CACHE_DIR = path.join(__dirname, '..', '.cache');
const PREFIX = '@cdktf/provider-google.';

// Registry doc links carry the real Terraform names ("...#build_config Foo#build_config"),
// which camelCase-to-snake_case conversion cannot always recover (e.g. digits, acronyms).
function tfName(prop) {
  const text = `${prop.docs.summary || ''} ${prop.docs.remarks || ''}`;
  const m = text.match(/#([A-Za-z0-9_]+) [A-Za-z0-9]+#/);
  return m ? m[1] : prop.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// A property whose type is a provider struct is a nested block; an array of them (possibly
// unioned with IResolvable) is a repeatable block.
function blockRef(type) {
  if (type.fqn && type.fqn.startsWith(PREFIX)) return { fqn: type.fqn, list: false };
  const members = type.union ? type.union.types : [type];
  for (const t of members) {
    const el = t.collection && t.collection.kind === 'array' && t.collection.elementtype;
    if (el && el.fqn && el.fqn.startsWith(PREFIX)) return { fqn: el.fqn, list: true };
  }
  return null;
}

function structSchema(types, fqn, seen = new Set()) {
  const body = { attrs: {}, blocks: {} };
  const t = types[fqn];
  if (!t || seen.has(fqn)) return body;
  seen.add(fqn);
  for (const p of t.properties || []) {
    const name = tfName(p);
    const ref = blockRef(p.type);
    if (ref && types[ref.fqn] && types[ref.fqn].datatype) {
      body.blocks[name] = {
        required: !p.optional,
        list: ref.list,
        body: structSchema(types, ref.fqn, new Set(seen)),
      };
    } else {
      body.attrs[name] = { required: !p.optional };
    }
  }
  return body;
}

// Names an expression may read from an instance: the arguments and blocks plus the computed
// attributes (class getters). Compared with underscores removed and lower-cased, because
// the getters are camelCase.
function readable(cls, body) {
  const names = new Set(Object.keys(body.attrs).concat(Object.keys(body.blocks)));
  for (const p of cls.properties || []) {
    if (!p.static) names.add(p.name.replace(/Input$/, ''));
  }
  names.add('id');
  return [...new Set([...names].map(normalise))];
}

function normalise(name) {
  return name.replace(/_/g, '').toLowerCase();
}

function extract(jsii) {
  const types = jsii.types;
  const out = { version: jsii.version, resource: {}, data: {}, provider: null };
  const link = /docs\/(resources|data-sources)\/\w+ (google_\w+)\}/;
  for (const t of Object.values(types)) {
    if (t.kind !== 'class' || !t.initializer || !t.docs || !t.docs.summary) continue;
    const params = t.initializer.parameters || [];
    const cfg = params[2] && params[2].type.fqn;
    if (!cfg) continue;
    if (t.fqn === `${PREFIX}provider.GoogleProvider`) {
      out.provider = structSchema(types, cfg);
      continue;
    }
    const m = t.docs.summary.match(link);
    if (!m) continue;
    const body = structSchema(types, cfg);
    const kind = m[1] === 'resources' ? 'resource' : 'data';
    out[kind][m[2]] = { body, readable: readable(t, body) };
  }
  return out;
}

// Providers other than google that the module uses, written out by hand (small and stable).
const EXTRA = {
  data: {
    archive_file: {
      body: {
        attrs: {
          type: { required: true },
          output_path: { required: true },
          source_file: { required: false },
          source_dir: { required: false },
          source_content: { required: false },
          source_content_filename: { required: false },
          output_file_mode: { required: false },
          excludes: { required: false },
          exclude_symlink_directories: { required: false },
        },
        blocks: {
          source: {
            required: false,
            list: true,
            body: { attrs: { content: { required: true }, filename: { required: true } }, blocks: {} },
          },
        },
      },
      readable: ['id', 'outputpath', 'outputsize', 'outputmd5', 'outputsha', 'outputsha256', 'outputsha512',
        'outputbase64sha256', 'outputbase64sha512', 'sourcefile', 'sourcedir', 'type'],
    },
  },
  resource: {
    terraform_data: {
      body: { attrs: { input: { required: false }, triggers_replace: { required: false } }, blocks: {} },
      readable: ['id', 'input', 'output', 'triggersreplace'],
    },
  },
};

let loaded = null;

function load() {
  if (loaded) return loaded;
  const pkg = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
  const cacheFile = path.join(CACHE_DIR, `provider-google-${pkg.version}.json`);
  let schema;
  if (fs.existsSync(cacheFile)) {
    schema = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } else {
    schema = extract(JSON.parse(fs.readFileSync(path.join(PKG_DIR, '.jsii'), 'utf8')));
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename, so a concurrent run never reads half a file.
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(schema));
    fs.renameSync(tmp, cacheFile);
  }
  Object.assign(schema.data, EXTRA.data);
  Object.assign(schema.resource, EXTRA.resource);
  loaded = schema;
  return schema;
}

module.exports = { load, normalise };

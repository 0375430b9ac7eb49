'use strict';
// Runs terraform/validate (the shipped entry point) on the real module and example, and on
// broken copies written to a temp dir: each breakage must fail with file:line and a message.
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const TF = path.resolve(__dirname, '..', '..');
const VALIDATE = path.join(TF, 'validate');

function run(...dirs) {
  const r = spawnSync(VALIDATE, dirs, { encoding: 'utf8', cwd: path.dirname(TF) });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

// A copy of the module (without the validator) in a temp dir, with one file edited.
function brokenCopy(file, edit) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canaryrun-tf-'));
  for (const f of fs.readdirSync(TF).filter((n) => n.endsWith('.tf'))) {
    fs.copyFileSync(path.join(TF, f), path.join(dir, f));
  }
  const target = path.join(dir, file);
  const before = fs.readFileSync(target, 'utf8');
  const after = edit(before);
  assert.notStrictEqual(after, before, `the edit of ${file} changed nothing`);
  fs.writeFileSync(target, after);
  return dir;
}

function lineOf(dir, file, needle) {
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

function expectFailure(dir, file, needle, pattern) {
  const { code, out } = run(dir);
  assert.strictEqual(code, 1, out);
  const where = `${path.basename(file)}:${lineOf(dir, file, needle)}:`;
  const hit = out.split('\n').find((l) => l.includes(where) && pattern.test(l));
  assert.ok(hit, `expected "${where} ${pattern}" in:\n${out}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

test('the module and the basic example pass', () => {
  const { code, out } = run('terraform', 'terraform/examples/basic');
  assert.strictEqual(code, 0, out);
  assert.match(out, /^OK: /m);
});

test('a misspelled attribute fails, with a suggestion', () => {
  const dir = brokenCopy('functions.tf', (s) => s.replace('    retry_policy          =', '    retry_polcy           ='));
  expectFailure(dir, 'functions.tf', 'retry_polcy', /unsupported argument "retry_polcy" in google_cloudfunctions2_function\.function\.event_trigger\. Did you mean "retry_policy"\?/);
});

test('an undeclared variable fails', () => {
  const dir = brokenCopy('scheduler.tf', (s) => s.replace('var.tick_time_zone', 'var.tick_timezone'));
  expectFailure(dir, 'scheduler.tf', 'var.tick_timezone', /reference to undeclared input variable "tick_timezone"/);
});

test('a syntax error fails', () => {
  const dir = brokenCopy('scheduler.tf', (s) => s.replace('retry_count = 0', 'retry_count = '));
  expectFailure(dir, 'scheduler.tf', 'retry_count =', /syntax error: Invalid expression/);
});

test('a missing required argument fails', () => {
  const dir = brokenCopy('firestore.tf', (s) => s.replace('  field      = "expireAt"\n', ''));
  expectFailure(dir, 'firestore.tf', 'resource "google_firestore_field" "events_ttl"', /missing required argument "field" in google_firestore_field\.events_ttl/);
});

test('a reference to a resource that does not exist fails', () => {
  const dir = brokenCopy('functions.tf', (s) => s.replace('bucket = google_storage_bucket.source.name', 'bucket = google_storage_bucket.sources.name'));
  expectFailure(dir, 'functions.tf', 'google_storage_bucket.sources', /reference to undeclared resource "google_storage_bucket\.sources"/);
});

test('a fmt violation fails', () => {
  const dir = brokenCopy('scheduler.tf', (s) => s.replace('  schedule    = var.tick_schedule', '  schedule = var.tick_schedule'));
  expectFailure(dir, 'scheduler.tf', 'schedule = var', /fmt: "=" at column 12, terraform fmt aligns it at column 15/);
});

test('fmt: bad indentation and trailing whitespace fail', () => {
  const dir = brokenCopy('scheduler.tf', (s) => s.replace('    retry_count = 0', '   retry_count = 0  '));
  const { code, out } = run(dir);
  assert.strictEqual(code, 1, out);
  const n = lineOf(dir, 'scheduler.tf', 'retry_count');
  assert.match(out, new RegExp(`scheduler\\.tf:${n}: fmt: indentation is 3 spaces, terraform fmt wants 4`));
  assert.match(out, new RegExp(`scheduler\\.tf:${n}: fmt: trailing whitespace`));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an unknown block type fails, with a suggestion', () => {
  const dir = brokenCopy('scheduler.tf', (s) => s.replace('  retry_config {', '  retry_configs {'));
  expectFailure(dir, 'scheduler.tf', 'retry_configs {', /unsupported block type "retry_configs" in google_cloud_scheduler_job\.tick\. Did you mean "retry_config"\?/);
});

test('a reference to a missing attribute of a resource fails', () => {
  const dir = brokenCopy('outputs.tf', (s) => s.replace('google_storage_bucket.source.name', 'google_storage_bucket.source.bucket_name'));
  expectFailure(dir, 'outputs.tf', 'source.bucket_name', /google_storage_bucket\.source has no attribute "bucket_name"/);
});

test('each.* outside for_each and unknown functions fail', () => {
  const dir = brokenCopy('scheduler.tf', (s) => s.replace('base64encode("{}")', 'base64encod(each.key)'));
  const { code, out } = run(dir);
  assert.strictEqual(code, 1, out);
  assert.match(out, /scheduler\.tf:\d+: call to unknown function "base64encod"\. Did you mean "base64encode"\?/);
  assert.match(out, /scheduler\.tf:\d+: "each\.key" used in a block without for_each/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the example is checked against the module it calls', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canaryrun-ex-'));
  const example = fs.readFileSync(path.join(TF, 'examples', 'basic', 'main.tf'), 'utf8')
    .replace('source = "../.."', `source = "${path.relative(dir, TF)}"`)
    .replace('  operators = var.operators\n', '  operator = var.operators\n');
  for (const f of ['variables.tf', 'outputs.tf', 'versions.tf']) {
    fs.copyFileSync(path.join(TF, 'examples', 'basic', f), path.join(dir, f));
  }
  fs.writeFileSync(path.join(dir, 'main.tf'), example);
  expectFailure(dir, 'main.tf', 'operator = var', /module "canaryrun" \(.*\) has no variable "operator"\. Did you mean "operators"\?/);
});

// ---- least privilege (docs/SECURITY.md): each widening below must fail validation ----------

function expectLeastPrivilegeFailure(file, edit, pattern) {
  const dir = brokenCopy(file, edit);
  const { code, out } = run(dir);
  assert.strictEqual(code, 1, out);
  assert.match(out, pattern);
  fs.rmSync(dir, { recursive: true, force: true });
}

test('least privilege: a predefined Cloud Run role that can delete fails', () => {
  expectLeastPrivilegeFailure('iam.tf', (s) => s.replace('role     = google_project_iam_custom_role.rollout.id', 'role     = "roles/run.developer"'),
    /iam\.tf:\d+: least privilege: google_cloud_run_v2_service_iam_member\.controller grants roles\/run\.developer, which can delete/);
});

test('least privilege: project-wide publish for a function account fails', () => {
  expectLeastPrivilegeFailure('iam.tf', (s) => `${s}
resource "google_project_iam_member" "publish_anything" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = google_service_account.function[each.key].member
}
`, /least privilege: google_project_iam_member\.publish_anything grants roles\/pubsub\.publisher on the whole project/);
});

test('least privilege: project-wide run.developer or actAs fails', () => {
  expectLeastPrivilegeFailure('iam.tf', (s) => s.replace('role    = "roles/monitoring.viewer"', 'role    = "roles/run.developer"'),
    /google_project_iam_member\.monitoring_viewer grants roles\/run\.developer on the whole project/);
});

test('least privilege: actAs for every function, or for the alert function, fails', () => {
  expectLeastPrivilegeFailure('iam.tf', (s) => s.replace('for_each = local.deploying_services', 'for_each = local.function_services'),
    /google_service_account_iam_member\.act_as_runtime grants actAs beyond local\.deploying_services/);
  expectLeastPrivilegeFailure('main.tf', (s) => s.replace('toset(["build", "tick", "command"])', 'toset(["build", "tick", "alert", "command"])'),
    /main\.tf:\d+: least privilege: local\.deploying_functions includes the alert function/);
});

test('least privilege: delete in the custom Cloud Run role fails', () => {
  expectLeastPrivilegeFailure('iam.tf', (s) => s.replace('"run.services.update",', '"run.services.update",\n    "run.services.delete",'),
    /google_project_iam_custom_role\.rollout includes run\.services\.delete/);
});

test('least privilege: policies in the database the functions write fail', () => {
  expectLeastPrivilegeFailure('firestore.tf', (s) => s.replace('database    = google_firestore_database.policies.name', 'database    = local.database_name'),
    /google_firestore_document\.policy stores policies\/\* in a database the functions may write/);
  expectLeastPrivilegeFailure('iam.tf', (s) => s.replace('role    = "roles/datastore.viewer"', 'role    = "roles/datastore.user"'),
    /google_project_iam_member\.policy_reader lets the functions write the policies database/);
});

test('least privilege: an unconditioned Firestore grant fails', () => {
  expectLeastPrivilegeFailure('iam.tf', (s) => s.replace(/  condition \{\n    title       = "canaryrun-database-only"[\s\S]*?\n  \}\n/, ''),
    /google_project_iam_member\.datastore_user grants roles\/datastore\.user without a condition naming one database/);
});

test('least privilege: only a drill\'s own functions may publish to the alerts topic', () => {
  expectLeastPrivilegeFailure('pubsub.tf', (s) => s.replace('for_each = toset(["command", "tick"])', 'for_each = toset(["command", "tick", "alert"])'),
    /google_pubsub_topic_iam_member\.drill_incident_publisher lets a function publish to local\.topics\.alerts/);
});

test('least privilege: cloud-builds without Cloud Build as its publisher fails', () => {
  expectLeastPrivilegeFailure('pubsub.tf', (s) => s.replace('member  = "serviceAccount:${local.cloud_build_service_agent}"', 'member  = google_service_account.function["build"].member'),
    /cloud-builds has no publisher binding for Cloud Build's service agent|lets a function publish to local\.topics\.builds/);
});

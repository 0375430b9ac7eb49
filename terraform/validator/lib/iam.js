'use strict';
// Least-privilege checks on the module's IAM (docs/SECURITY.md), so that a change which widens
// a binding fails validation instead of reaching a project: no project-wide publish, deploy or
// actAs for anyone the module grants; no predefined Cloud Run role that can delete; a custom
// Cloud Run role without delete, create or IAM permissions; actAs only for the deploying
// functions (never the alert function); Firestore writes only in the canaryrun database and
// reads only in the policies one; cloud-builds published to by Cloud Build's agent.

// Roles that must never be granted at the project level by this module.
const PROJECT_FORBIDDEN = /^roles\/(owner|editor|pubsub\.(publisher|editor|admin)|run\.(developer|admin|invoker|sourceDeveloper)|iam\.serviceAccount(User|TokenCreator)|datastore\.(owner|importExportAdmin))$/;
// Predefined Cloud Run roles that include run.services.delete.
const RUN_WIDE = /^roles\/(owner|editor|run\.(developer|admin|sourceDeveloper))$/;
const FORBIDDEN_PERMISSION = /(\.delete|\.setIamPolicy|^run\.services\.create)$/;
const PROJECT_IAM = new Set(['google_project_iam_member', 'google_project_iam_binding', 'google_project_iam_policy']);

const attr = (blk, name) => blk.body.find((i) => i.kind === 'attr' && i.name === name);
const text = (blk, name) => (attr(blk, name) ? attr(blk, name).expr.text.trim() : null);
const literal = (t) => (t && /^"[^"$]*"$/.test(t) ? t.slice(1, -1) : null);
const blocks = (blk, type) => blk.body.filter((i) => i.kind === 'block' && i.type === type);

function checkIam(mod) {
  const problems = [];
  const resources = [];
  const locals = {};
  for (const { file, body } of mod.files) {
    for (const b of body) {
      if (b.kind !== 'block') continue;
      if (b.type === 'resource') resources.push({ file, b, type: b.labels[0], name: b.labels.join('.') });
      if (b.type === 'locals') for (const a of b.body) if (a.kind === 'attr') locals[a.name] = { file, a };
    }
  }
  const report = (file, line, message) => problems.push({ file, line, message: `least privilege: ${message}` });
  let cloudBuildPublisher = false;
  for (const { file, b, type, name } of resources) {
    const role = text(b, 'role');
    const lit = literal(role);
    if (PROJECT_IAM.has(type)) {
      if (lit && PROJECT_FORBIDDEN.test(lit)) report(file, b.line, `${name} grants ${lit} on the whole project; grant it on the one resource that needs it`);
      if (lit === 'roles/datastore.user' || lit === 'roles/datastore.viewer') {
        const cond = blocks(b, 'condition')[0];
        const expr = cond ? text(cond, 'expression') || '' : '';
        if (!/resource\.name\s*==/.test(expr)) report(file, b.line, `${name} grants ${lit} without a condition naming one database`);
        if (lit === 'roles/datastore.user' && /policy_database/.test(expr)) report(file, b.line, `${name} lets the functions write the policies database`);
      }
      if (role && /custom_role/.test(role)) report(file, b.line, `${name} grants a custom role on the whole project`);
    }
    if (type === 'google_cloud_run_v2_service_iam_member' || type === 'google_cloud_run_v2_service_iam_binding') {
      if (lit && RUN_WIDE.test(lit)) report(file, b.line, `${name} grants ${lit}, which can delete the service; use the canaryrun custom role`);
    }
    if (type === 'google_project_iam_custom_role') {
      const perms = (text(b, 'permissions') || '').match(/"[^"]+"/g) || [];
      for (const p of perms.map((q) => q.slice(1, -1))) {
        if (FORBIDDEN_PERMISSION.test(p)) report(file, b.line, `${name} includes ${p}`);
      }
    }
    if (type === 'google_service_account_iam_member' && lit === 'roles/iam.serviceAccountUser') {
      const each = text(b, 'for_each') || '';
      if (!/local\.deploying_services/.test(each)) report(file, b.line, `${name} grants actAs beyond local.deploying_services`);
    }
    if (type === 'google_firestore_document' && literal(text(b, 'collection')) === 'policies') {
      if (!/google_firestore_database\.policies|policy_database/.test(text(b, 'database') || '')) {
        report(file, b.line, `${name} stores policies/* in a database the functions may write; use the policies database`);
      }
    }
    if (type === 'google_pubsub_topic_iam_member' && lit === 'roles/pubsub.publisher') {
      const topic = text(b, 'topic') || '';
      const member = text(b, 'member') || '';
      if (/local\.topics\.builds/.test(topic) && /cloud_build_service_agent/.test(member)) cloudBuildPublisher = true;
      // One exception: a rollback drill fires its incident on the alerts topic from the
      // function that started the drill (command or tick), never from the alert function
      // itself or the build function (README "Rollback drills").
      const each = text(b, 'for_each') || '';
      const drillers = /local\.topics\.alerts/.test(topic)
        && /^toset\(\[\s*("(command|tick)"\s*,?\s*)+\]\)$/.test(each.trim())
        && /google_service_account\.function\[each\.value\]/.test(member);
      if (/local\.topics\.(builds|alerts|commands)/.test(topic) && /google_service_account\.function/.test(member) && !drillers) {
        report(file, b.line, `${name} lets a function publish to ${topic}: only Cloud Build, Monitoring, the operators and a drill's own function (command, tick: alerts) publish there`);
      }
    }
  }
  const deploying = locals.deploying_functions;
  if (deploying && /"alert"/.test(deploying.a.expr.text)) {
    report(deploying.file, deploying.a.line, 'local.deploying_functions includes the alert function, which only moves traffic');
  }
  if (mod.files.length && resources.some((r) => r.type === 'google_cloudfunctions2_function') && !cloudBuildPublisher) {
    report(mod.files[0].file, 1, 'cloud-builds has no publisher binding for Cloud Build\'s service agent (local.cloud_build_service_agent)');
  }
  return problems;
}

module.exports = { checkIam };

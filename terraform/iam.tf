locals {
  project_number = data.google_project.this.number

  # Google-managed service agents (they exist once their API has been used).
  pubsub_service_agent          = "service-${local.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  monitoring_notification_agent = "service-${local.project_number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com"
  cloud_build_service_agent     = "service-${local.project_number}@gcp-sa-cloudbuild.iam.gserviceaccount.com"
}

# One runtime identity per function, so a compromised or buggy function can do only what
# its own job needs.
resource "google_service_account" "function" {
  for_each = local.functions

  project      = var.project_id
  account_id   = each.value.name
  display_name = "canaryrun ${each.value.name}"
  description  = "Runtime identity of the ${each.value.name} function (${each.value.entry_point})."
}

# One identity per Eventarc trigger: it may invoke its own function and nothing else.
resource "google_service_account" "trigger" {
  for_each = local.functions

  project      = var.project_id
  account_id   = "canaryrun-trigger-${each.key}"
  display_name = "canaryrun trigger of ${each.value.name}"
  description  = "Identity that Eventarc uses to deliver ${each.value.topic} messages to ${each.value.name}."
}

# Firestore: read and write documents in the canaryrun database only (rollouts, audit,
# events, service pointers). Not in the policies database: that one is read-only, below.
resource "google_project_iam_member" "datastore_user" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.function[each.key].member

  condition {
    title       = "canaryrun-database-only"
    description = "Only the canaryrun Firestore database."
    expression  = "resource.name == \"projects/${var.project_id}/databases/${local.database_id}\""
  }
}

# The policies are read, never written, by the functions.
resource "google_project_iam_member" "policy_reader" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = google_service_account.function[each.key].member

  condition {
    title       = "canaryrun-policies-read-only"
    description = "Only the canaryrun policies database, read-only."
    expression  = "resource.name == \"projects/${var.project_id}/databases/${var.policy_database_id}\""
  }
}

# Only the tick function judges canaries, so only it reads Cloud Monitoring.
resource "google_project_iam_member" "monitoring_viewer" {
  project = var.project_id
  role    = "roles/monitoring.viewer"
  member  = google_service_account.function["tick"].member
}

# A drill started by an operator's command checks the service's alert policies (the tick
# function reads them through monitoring.viewer above).
resource "google_project_iam_member" "drill_alert_policy_viewer" {
  project = var.project_id
  role    = "roles/monitoring.alertPolicyViewer"
  member  = google_service_account.function["command"].member
}

# What canaryrun does to a watched service: read it and its revisions, update its traffic
# (and, with actAs below, its template), follow the operation. Not roles/run.developer: that
# also deletes services, and none of this may delete anything or change IAM.
resource "google_project_iam_custom_role" "rollout" {
  project     = var.project_id
  role_id     = "canaryrunRollout"
  title       = "canaryrun rollout"
  description = "Read a Cloud Run service and its revisions, update its traffic or template, follow the operation. No create, delete or IAM."
  permissions = [
    "run.operations.get",
    "run.revisions.get",
    "run.revisions.list",
    "run.services.get",
    "run.services.update",
  ]
}

# Cloud Run rights on the watched services only.
resource "google_cloud_run_v2_service_iam_member" "controller" {
  for_each = local.function_services

  project  = var.project_id
  location = each.value.region
  name     = each.value.service
  role     = google_project_iam_custom_role.rollout.id
  member   = google_service_account.function[each.value.function].member
}

# Creating a revision that runs as the service's identity requires actAs on that identity:
# granted on each watched service's runtime account, not project-wide, and only to the
# functions that deploy (local.deploying_functions). Without it, run.services.update can move
# traffic but cannot create a revision.
resource "google_service_account_iam_member" "act_as_runtime" {
  for_each = local.deploying_services

  service_account_id = "projects/${var.project_id}/serviceAccounts/${local.services[each.value.service].runtime_service_account}"
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.function[each.value.function].member
}

# Each trigger identity may invoke the Cloud Run service behind its own function only.
resource "google_cloud_run_v2_service_iam_member" "trigger_invoker" {
  for_each = local.functions

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = google_service_account.trigger[each.key].member
}

# Pub/Sub mints the OIDC tokens of push deliveries as the trigger identity (required for
# projects created before April 2021; harmless after).
resource "google_service_account_iam_member" "pubsub_token_creator" {
  for_each = local.functions

  service_account_id = google_service_account.trigger[each.key].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${local.pubsub_service_agent}"
}

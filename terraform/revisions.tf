# Every deploy path starts a rollout: Cloud Run's Admin Activity audit log (always on, free)
# records each change of a watched service whoever made it (gcloud run deploy, services
# update, the console, a GitHub Actions deploy), and this sink forwards those entries to
# canaryrun-revisions, where OnRevisionCreated adopts the new revision. Builds still arrive on
# cloud-builds; both paths name the rollout after the revision, so one change is one rollout.
locals {
  run_change_methods = [
    "google.cloud.run.v2.Services.CreateService",
    "google.cloud.run.v2.Services.UpdateService",
    "google.cloud.run.v2.Services.ReplaceService",
    "google.cloud.run.v1.Services.CreateService",
    "google.cloud.run.v1.Services.ReplaceService",
  ]

  run_changes_filter = join(" AND ", [
    "logName=\"projects/${var.project_id}/logs/cloudaudit.googleapis.com%2Factivity\"",
    "protoPayload.serviceName=\"run.googleapis.com\"",
    "protoPayload.methodName=(${join(" OR ", [for m in local.run_change_methods : "\"${m}\""])})",
    "resource.labels.service_name=(${join(" OR ", [for name in keys(local.services) : "\"${name}\""])})",
  ])
}

resource "google_logging_project_sink" "run_changes" {
  count = length(local.services) > 0 ? 1 : 0

  project     = var.project_id
  name        = "canaryrun-run-changes"
  description = "Cloud Run changes of the services canaryrun watches, for OnRevisionCreated."
  destination = "pubsub.googleapis.com/${local.topic_ids[local.topics.revisions]}"
  filter      = local.run_changes_filter

  # Its own writer identity, so that only this sink may publish to canaryrun-revisions.
  unique_writer_identity = true

  depends_on = [google_pubsub_topic.topic]
}

resource "google_pubsub_topic_iam_member" "run_changes_writer" {
  count = length(google_logging_project_sink.run_changes)

  project = var.project_id
  topic   = local.topics.revisions
  role    = "roles/pubsub.publisher"
  member  = google_logging_project_sink.run_changes[0].writer_identity

  depends_on = [google_pubsub_topic.topic]
}

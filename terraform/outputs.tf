output "function_names" {
  description = "Function key (build, tick, alert, command) => Cloud Functions name."
  value       = { for k, f in google_cloudfunctions2_function.function : k => f.name }
}

output "function_service_accounts" {
  description = "Function key => runtime service account email."
  value       = { for k, sa in google_service_account.function : k => sa.email }
}

output "trigger_service_accounts" {
  description = "Function key => service account that Eventarc uses to invoke the function."
  value       = { for k, sa in google_service_account.trigger : k => sa.email }
}

output "topics" {
  description = "Topic key (builds, ticks, alerts, commands, events) => topic ID."
  value       = { for k, name in local.topics : k => local.topic_ids[name] }
}

output "dead_letter_topics" {
  description = "Topic name => ID of its dead-letter topic."
  value       = { for name, t in google_pubsub_topic.dead_letter : name => t.id }
}

output "commands_topic" {
  description = "Topic that operators publish commands to (gcloud pubsub topics publish ...)."
  value       = local.topic_ids[local.topics.commands]
}

output "events_topic" {
  description = "Topic of lifecycle events; subscribe a chat bridge or an audit sink to it."
  value       = local.topic_ids[local.topics.events]
}

output "firestore_database" {
  description = "Firestore database ID that holds policies, rollouts and their audit trail."
  value       = local.database_name
}

output "policies" {
  description = "Service name => effective rollout policy (defaults + overrides), as stored in policies/{service}."
  value       = { for name, p in local.policies : name => jsonencode(p) }
}

output "source_bucket" {
  description = "Bucket that holds the function source archives."
  value       = google_storage_bucket.source.name
}

output "scheduler_job" {
  description = "ID of the Cloud Scheduler job that publishes the per-minute tick."
  value       = google_cloud_scheduler_job.tick.id
}

output "alert_notification_channel" {
  description = "ID of the Pub/Sub notification channel that feeds canaryrun-alerts."
  value       = google_monitoring_notification_channel.alerts.id
}

output "alert_policies" {
  description = "Service name => IDs of its error-ratio and p99-latency alert policies."
  value = {
    for name in keys(local.alerting_services) : name => {
      error_ratio = google_monitoring_alert_policy.error_ratio[name].id
      latency_p99 = google_monitoring_alert_policy.latency_p99[name].id
    }
  }
}

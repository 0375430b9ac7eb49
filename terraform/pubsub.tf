resource "google_pubsub_topic" "topic" {
  for_each = local.managed_topics

  project = var.project_id
  name    = each.value
  labels  = local.labels

  # Keep a day of messages so a subscription can be replayed (seek) after an incident.
  message_retention_duration = "86400s"

  depends_on = [google_project_service.api]
}

# Every topic has <topic>-dead-letter (docs/CONTRACT.md), including cloud-builds.
resource "google_pubsub_topic" "dead_letter" {
  for_each = toset(values(local.topics))

  project = var.project_id
  name    = "${each.value}-dead-letter"
  labels  = local.labels

  depends_on = [google_project_service.api]
}

# A topic without a subscription drops what it receives: this one keeps dead letters for
# inspection and replay.
resource "google_pubsub_subscription" "dead_letter" {
  for_each = google_pubsub_topic.dead_letter

  project = var.project_id
  name    = "${each.value.name}-retained"
  topic   = each.value.id
  labels  = local.labels

  message_retention_duration = "${var.dead_letter_retention_seconds}s"
  retain_acked_messages      = true
  ack_deadline_seconds       = 60

  expiration_policy {
    ttl = "" # never expire for inactivity: dead letters are read rarely
  }
}

# Pub/Sub forwards undeliverable messages as its service agent, which must be able to
# publish to the dead-letter topics.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = google_pubsub_topic.dead_letter

  project = var.project_id
  topic   = each.value.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${local.pubsub_service_agent}"
}

# Lifecycle events for a chat bridge or an audit sink, when an endpoint is configured.
resource "google_pubsub_subscription" "events_push" {
  count = var.notification.events_push_endpoint == null ? 0 : 1

  project = var.project_id
  name    = "${local.topics.events}-push"
  topic   = local.topic_ids[local.topics.events]
  labels  = local.labels

  ack_deadline_seconds = 30
  # Lifecycle events carry the rollout id as ordering key; keep them in order per rollout.
  enable_message_ordering = true

  push_config {
    push_endpoint = var.notification.events_push_endpoint

    dynamic "oidc_token" {
      for_each = var.notification.events_push_service_account == null ? [] : [var.notification.events_push_service_account]
      content {
        service_account_email = oidc_token.value
      }
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[local.topics.events].id
    max_delivery_attempts = var.dead_letter_max_delivery_attempts
  }
}

# Dead-lettering also needs the service agent to acknowledge on the source subscription.
resource "google_pubsub_subscription_iam_member" "events_push_dead_letter" {
  count = var.notification.events_push_endpoint == null ? 0 : 1

  project      = var.project_id
  subscription = google_pubsub_subscription.events_push[0].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${local.pubsub_service_agent}"
}

# Operators, and only they, may send commands (pause, resume, promote, rollback, retry).
resource "google_pubsub_topic_iam_member" "operators" {
  for_each = toset(var.operators)

  project = var.project_id
  topic   = local.topics.commands
  role    = "roles/pubsub.publisher"
  member  = each.value

  depends_on = [google_pubsub_topic.topic]
}

# The controller publishes lifecycle events and follow-up ticks: publisher on those two
# topics only, never project-wide.
resource "google_pubsub_topic_iam_member" "function_publisher" {
  for_each = {
    for pair in setproduct(keys(local.functions), [local.topics.events, local.topics.ticks]) :
    "${pair[0]}/${pair[1]}" => { function = pair[0], topic = pair[1] }
  }

  project = var.project_id
  topic   = each.value.topic
  role    = "roles/pubsub.publisher"
  member  = google_service_account.function[each.value.function].member

  depends_on = [google_pubsub_topic.topic]
}

# A rollback drill fires its incident on canaryrun-alerts from the function that started it:
# an operator's drill (command) or the weekly job's (tick).
resource "google_pubsub_topic_iam_member" "drill_incident_publisher" {
  for_each = toset(["command", "tick"])

  project = var.project_id
  topic   = local.topics.alerts
  role    = "roles/pubsub.publisher"
  member  = google_service_account.function[each.value].member

  depends_on = [google_pubsub_topic.topic]
}

# Cloud Monitoring publishes incidents to canaryrun-alerts as its notification agent.
resource "google_pubsub_topic_iam_member" "monitoring_publisher" {
  project = var.project_id
  topic   = local.topics.alerts
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${local.monitoring_notification_agent}"

  # The agent is created together with the project's first notification channel.
  depends_on = [google_pubsub_topic.topic, google_monitoring_notification_channel.alerts]
}

# Cloud Build publishes build notifications to cloud-builds as its service agent: the one
# publisher of that topic (a forged build is what the policy's release rules then refuse).
resource "google_pubsub_topic_iam_member" "cloud_build_publisher" {
  project = var.project_id
  topic   = local.topics.builds
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${local.cloud_build_service_agent}"

  depends_on = [google_pubsub_topic.topic]
}

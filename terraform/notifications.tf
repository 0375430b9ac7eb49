# Lifecycle events to chat (Slack incoming webhooks, Google Chat webhooks, Microsoft Teams
# incoming webhooks): one function,
# canaryrun-on-lifecycle-event, on canaryrun-events, apart from the controller so that a dead
# webhook never delays a rollout decision. Each webhook URL is a Secret Manager secret
# (a webhook URL is a credential); the function reads it as a secret environment variable.

variable "chat_notifications" {
  description = <<-EOT
    Chat targets of the lifecycle events; empty for none (no function is deployed).
    - name: a short id (letters, digits, -), also the secret's env var CANARYRUN_CHAT_URL_<NAME>
    - kind: slack, google_chat or teams (a Teams incoming webhook: a MessageCard is posted)
    - webhook_secret: Secret Manager secret id (in this project) holding the webhook URL
    - events: event types to send (STARTED, STEP_ADVANCED, PAUSED, RESUMED, PROMOTED,
      ROLLING_BACK, ROLLED_BACK, SUPERSEDED, FAILED, STABLE_ALERT, COMMAND_REJECTED); empty: all
    - service: only this watched service's events; null: every service
  EOT
  type = list(object({
    name           = string
    kind           = string
    webhook_secret = string
    events         = optional(list(string), [])
    service        = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for t in var.chat_notifications : contains(["slack", "google_chat", "teams"], t.kind)])
    error_message = "chat_notifications[*].kind must be slack, google_chat or teams."
  }

  validation {
    condition     = alltrue([for t in var.chat_notifications : can(regex("^[a-z][a-z0-9-]{0,30}$", t.name))])
    error_message = "chat_notifications[*].name must be lower-case letters, digits and -, starting with a letter."
  }
}

locals {
  chat_enabled = length(var.chat_notifications) > 0
  # What ChatTargets reads: the targets without their URLs.
  chat_targets_json = jsonencode([for t in var.chat_notifications : {
    name    = t.name
    kind    = t.kind
    events  = t.events
    service = t.service
  }])
}

resource "google_service_account" "notifier" {
  count = local.chat_enabled ? 1 : 0

  project      = var.project_id
  account_id   = "canaryrun-on-lifecycle-event"
  display_name = "canaryrun canaryrun-on-lifecycle-event"
  description  = "Runtime identity of the chat notifier: reads its webhook secrets, nothing else."
}

resource "google_service_account" "notifier_trigger" {
  count = local.chat_enabled ? 1 : 0

  project      = var.project_id
  account_id   = "canaryrun-trigger-chat"
  display_name = "canaryrun trigger of canaryrun-on-lifecycle-event"
  description  = "Identity that Eventarc uses to deliver canaryrun-events to the chat notifier."
}

resource "google_secret_manager_secret_iam_member" "notifier_webhook" {
  for_each = { for t in var.chat_notifications : t.name => t }

  project   = var.project_id
  secret_id = each.value.webhook_secret
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.notifier[0].member
}

resource "google_cloudfunctions2_function" "notifier" {
  count = local.chat_enabled ? 1 : 0

  project     = var.project_id
  location    = var.region
  name        = "canaryrun-on-lifecycle-event"
  description = "Sends lifecycle events to the configured Slack / Google Chat / Teams webhooks."
  labels      = local.labels

  build_config {
    runtime     = "java17"
    entry_point = "dev.canaryrun.functions.OnLifecycleEvent"
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory      = var.function_settings.available_memory
    available_cpu         = var.function_settings.available_cpu
    timeout_seconds       = 120
    max_instance_count    = var.function_settings.max_instance_count
    service_account_email = google_service_account.notifier[0].email
    environment_variables = {
      CANARYRUN_PROJECT      = var.project_id
      CANARYRUN_CHAT_TARGETS = local.chat_targets_json
    }
    dynamic "secret_environment_variables" {
      for_each = var.chat_notifications
      content {
        key        = "CANARYRUN_CHAT_URL_${upper(replace(secret_environment_variables.value.name, "-", "_"))}"
        project_id = var.project_id
        secret     = secret_environment_variables.value.webhook_secret
        version    = "latest"
      }
    }
    ingress_settings = "ALLOW_INTERNAL_ONLY"
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = local.topic_ids[local.topics.events]
    retry_policy          = "RETRY_POLICY_DO_NOT_RETRY"
    service_account_email = google_service_account.notifier_trigger[0].email
  }

  depends_on = [google_project_service.api, google_secret_manager_secret_iam_member.notifier_webhook]
}

resource "google_cloud_run_v2_service_iam_member" "notifier_invoker" {
  count = local.chat_enabled ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.notifier[0].name
  role     = "roles/run.invoker"
  member   = google_service_account.notifier_trigger[0].member
}

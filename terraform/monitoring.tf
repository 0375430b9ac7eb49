# Incidents reach OnAlertFired through canaryrun-alerts.
resource "google_monitoring_notification_channel" "alerts" {
  project      = var.project_id
  display_name = "canaryrun alerts (${local.topics.alerts})"
  type         = "pubsub"
  description  = "Incidents on a canary revision make canaryrun roll it back."
  user_labels  = local.labels

  labels = {
    topic = local.topic_ids[local.topics.alerts]
  }

  depends_on = [google_project_service.api]
}

locals {
  alerting_services = { for name, svc in local.services : name => svc if svc.alerts.enabled }

  alert_channels = concat([google_monitoring_notification_channel.alerts.id], var.notification.alert_channels)

  # Per revision and region, so the incident names the revision (the canary) that misbehaves
  # and where: OnAlertFired tells a canary incident from one on the stable revision, and a
  # same-named revision in another region (--revision-suffix=$SHORT_SHA) from this one.
  group_by_revision = ["resource.label.service_name", "resource.label.revision_name", "resource.label.location"]
}

resource "google_monitoring_alert_policy" "error_ratio" {
  for_each = local.alerting_services

  project      = var.project_id
  display_name = "canaryrun ${each.key}: 5xx ratio per revision"
  combiner     = "OR"
  severity     = "ERROR"
  user_labels  = merge(local.labels, { canaryrun-service = each.key })

  conditions {
    display_name = "5xx ratio of a ${each.key} revision above ${each.value.alerts.error_ratio}"

    condition_threshold {
      filter             = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${each.key}\" AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
      denominator_filter = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${each.key}\" AND metric.type = \"run.googleapis.com/request_count\""
      comparison         = "COMPARISON_GT"
      threshold_value    = each.value.alerts.error_ratio
      duration           = "${each.value.alerts.duration_seconds}s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = local.group_by_revision
      }

      denominator_aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = local.group_by_revision
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "${var.notification.alert_auto_close_seconds}s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A revision of Cloud Run service `${each.key}` returns more than ${each.value.alerts.error_ratio * 100}% 5xx. If it is canaryrun's canary, canaryrun rolls it back."
  }

  notification_channels = local.alert_channels
}

resource "google_monitoring_alert_policy" "latency_p99" {
  for_each = local.alerting_services

  project      = var.project_id
  display_name = "canaryrun ${each.key}: p99 latency per revision"
  combiner     = "OR"
  severity     = "WARNING"
  user_labels  = merge(local.labels, { canaryrun-service = each.key })

  conditions {
    display_name = "p99 latency of a ${each.key} revision above ${each.value.alerts.latency_p99_ms} ms"

    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${each.key}\" AND metric.type = \"run.googleapis.com/request_latencies\""
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.alerts.latency_p99_ms
      duration        = "${each.value.alerts.duration_seconds}s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_PERCENTILE_99"
        group_by_fields      = local.group_by_revision
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "${var.notification.alert_auto_close_seconds}s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A revision of Cloud Run service `${each.key}` has p99 latency above ${each.value.alerts.latency_p99_ms} ms. If it is canaryrun's canary, canaryrun rolls it back."
  }

  notification_channels = local.alert_channels
}

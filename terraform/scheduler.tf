# The heartbeat: every minute a tick ({}) makes OnPhaseTick judge every active rollout.
resource "google_cloud_scheduler_job" "tick" {
  project     = var.project_id
  region      = var.region
  name        = "canaryrun-tick"
  description = "Publishes {} to ${local.topics.ticks}: judge every active rollout."
  schedule    = var.tick_schedule
  time_zone   = var.tick_time_zone

  # A missed tick is harmless (the next one judges all buckets since the last consumed one),
  # so no retries that would pile up behind a slow tick.
  retry_config {
    retry_count = 0
  }

  pubsub_target {
    topic_name = local.topic_ids[local.topics.ticks]
    data       = base64encode("{}")
  }

  depends_on = [google_project_service.api]
}

# Weekly rollback drills (README "Rollback drills"), one job per service that asks for one.
# The job publishes on the ticks topic, not the commands topic: a scheduler job cannot carry
# an operator's ID token, and the ticks topic is already the scheduler's. OnPhaseTick hands
# the drill to the same path as an operator's `canaryrun drill`.
locals {
  drill_days = { sun = 0, mon = 1, tue = 2, wed = 3, thu = 4, fri = 5, sat = 6 }
  drilled    = { for name, s in var.services : name => s.drill if s.drill != null }
}

resource "google_cloud_scheduler_job" "drill" {
  for_each = local.drilled

  project     = var.project_id
  region      = var.region
  name        = "canaryrun-drill-${each.key}"
  description = "Weekly rollback drill of ${each.key}: publishes {\"drill\": ...} to ${local.topics.ticks}."
  schedule    = "${tonumber(split(":", each.value.start)[1])} ${tonumber(split(":", each.value.start)[0])} * * ${local.drill_days[each.value.day]}"
  time_zone   = each.value.time_zone

  # A drill that did not run is reported missing by `canaryrun drill --report`; retrying
  # would run it later than its window.
  retry_config {
    retry_count = 0
  }

  pubsub_target {
    topic_name = local.topic_ids[local.topics.ticks]
    data = base64encode(jsonencode({
      drill = { service = each.key, windowMinutes = each.value.window_minutes }
    }))
  }

  depends_on = [google_project_service.api]
}

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

resource "google_storage_bucket" "source" {
  project  = var.project_id
  name     = local.source_bucket_name
  location = var.region
  labels   = local.labels

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy_source_bucket

  # Archives are content-addressed; old ones are only useful for a quick manual rollback.
  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.api]
}

# Cloud Functions builds from a zip; a zip holding the prebuilt jar makes the Java
# buildpack deploy that jar instead of running Maven in Cloud Build.
data "archive_file" "source" {
  type        = "zip"
  source_file = var.function_jar_path
  output_path = "${path.root}/.terraform/canaryrun/canaryrun-functions.zip"
}

resource "google_storage_bucket_object" "source" {
  # Content-addressed name: a new jar is a new object, which redeploys the functions.
  name   = "canaryrun-functions-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.source.output_path
}

resource "google_cloudfunctions2_function" "function" {
  for_each = local.functions

  project     = var.project_id
  location    = var.region
  name        = each.value.name
  description = each.value.description
  labels      = local.labels

  build_config {
    runtime     = "java17"
    entry_point = each.value.entry_point

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = var.function_settings.available_memory
    available_cpu                    = var.function_settings.available_cpu
    timeout_seconds                  = var.function_settings.timeout_seconds
    max_instance_count               = var.function_settings.max_instance_count
    min_instance_count               = var.function_settings.min_instance_count
    service_account_email            = google_service_account.function[each.key].email
    environment_variables            = local.environment_variables
    all_traffic_on_latest_revision   = true
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    max_instance_request_concurrency = 1
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = local.topic_ids[each.value.topic]
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger[each.key].email
  }

  # Grants first: a function that starts before it may read Firestore would fail its first
  # events into retries.
  depends_on = [
    google_project_service.api,
    google_project_iam_member.datastore_user,
    google_project_iam_member.policy_reader,
    google_pubsub_topic_iam_member.function_publisher,
  ]
}

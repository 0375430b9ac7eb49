locals {
  apis = toset([
    "artifactregistry.googleapis.com", # gen2 functions store their built images here
    "cloudbuild.googleapis.com",       # builds the function source; publishes to cloud-builds
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "eventarc.googleapis.com", # Pub/Sub triggers of gen2 functions are Eventarc triggers
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com", # chat webhook URLs (notifications.tf)
    "storage.googleapis.com",
  ])
}

resource "google_project_service" "api" {
  for_each = var.enable_apis ? local.apis : toset([])

  project = var.project_id
  service = each.value

  # Other workloads in the project may use these APIs: never turn them off on destroy.
  disable_on_destroy         = false
  disable_dependent_services = false
}

resource "google_firestore_database" "this" {
  count = var.create_firestore_database ? 1 : 0

  project     = var.project_id
  name        = local.database_id
  location_id = local.firestore_location
  type        = "FIRESTORE_NATIVE"

  concurrency_mode            = "OPTIMISTIC"
  app_engine_integration_mode = "DISABLED"
  # Rollout state and its audit trail are the record of every release decision.
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"

  depends_on = [google_project_service.api]
}

locals {
  # Name of the database, ordered after its creation when this module creates it.
  database_name = var.create_firestore_database ? google_firestore_database.this[0].name : local.database_id
}

# Ticks look up active rollouts: rollouts where active == true order by createdAt.
resource "google_firestore_index" "rollouts_active" {
  project    = var.project_id
  database   = local.database_name
  collection = "rollouts"

  fields {
    field_path = "active"
    order      = "ASCENDING"
  }

  fields {
    field_path = "createdAt"
    order      = "ASCENDING"
  }
}

# `canaryrun history SERVICE`: a service's rollouts, newest first (FirestoreRolloutHistory).
resource "google_firestore_index" "rollouts_by_service" {
  project    = var.project_id
  database   = local.database_name
  collection = "rollouts"

  fields {
    field_path = "service"
    order      = "ASCENDING"
  }

  fields {
    field_path = "createdAt"
    order      = "DESCENDING"
  }
}

# Processed event ids (rollouts/{id}/events/{eventId}) only matter while Pub/Sub may
# redeliver; Firestore deletes them once expireAt has passed.
resource "google_firestore_field" "events_ttl" {
  project    = var.project_id
  database   = local.database_name
  collection = "events"
  field      = "expireAt"

  ttl_config {}

  # Never queried: an empty index_config turns off single-field indexing of expireAt,
  # which Firestore recommends for TTL fields (timestamps that increase monotonically).
  index_config {}
}

# The policies live in a database of their own: the functions may read it and nothing more
# (iam.tf), so none of them can rewrite who may release or operate a service. Firestore IAM
# stops at the database: a condition cannot single out the policies collection.
resource "google_firestore_database" "policies" {
  project     = var.project_id
  name        = var.policy_database_id
  location_id = local.firestore_location
  type        = "FIRESTORE_NATIVE"

  concurrency_mode            = "OPTIMISTIC"
  app_engine_integration_mode = "DISABLED"
  delete_protection_state     = "DELETE_PROTECTION_ENABLED"
  deletion_policy             = "ABANDON"

  depends_on = [google_project_service.api]
}

# One policy document per watched service: policies/{service}.
resource "google_firestore_document" "policy" {
  for_each = local.policies

  project     = var.project_id
  database    = google_firestore_database.policies.name
  collection  = "policies"
  document_id = each.key
  fields = jsonencode({
    policy = { stringValue = jsonencode(each.value) }
    region = { stringValue = local.services[each.key].region }
  })
}

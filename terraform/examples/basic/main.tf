provider "google" {
  project = var.project_id
  region  = var.region
}

module "canaryrun" {
  source = "../.."

  project_id        = var.project_id
  region            = var.region
  function_jar_path = var.function_jar_path

  services = {
    checkout = {
      runtime_service_account = "checkout-runtime@${var.project_id}.iam.gserviceaccount.com"
      # A cautious first step and a stricter judge for the revenue path.
      policy = {
        steps = [
          { percent = 1, min_dwell_seconds = 600, max_dwell_seconds = 1800 },
          { percent = 10, min_dwell_seconds = 600, max_dwell_seconds = 1800 },
          { percent = 50, min_dwell_seconds = 900, max_dwell_seconds = 2700 },
        ]
        judge = {
          alpha = 0.005
        }
        # One warm instance, so that cold starts do not count against the canary. (A
        # max_instances would stay on the revision after promotion: Cloud Run fixes a
        # revision's scaling when it deploys it.)
        candidate_scaling = {
          min_instances = 1
        }
      }
      alerts = {
        error_ratio    = 0.02
        latency_p99_ms = 1500
      }
      # A rollback drill every Tuesday at 10:00 Berlin time; not started after 12:00.
      drill = {
        day            = "tue"
        start          = "10:00"
        window_minutes = 120
        time_zone      = "Europe/Berlin"
      }
    }
    # Defaults everywhere: 5% -> 20% -> 50% -> 100%.
    catalog = {
      runtime_service_account = "catalog-runtime@${var.project_id}.iam.gserviceaccount.com"
      region                  = "europe-west4"
    }
    # One service in three regions behind a global load balancer: each build is one release,
    # europe-west1 first, then the other two together once it is promoted; a failure in any
    # region rolls back the regions this release already promoted.
    storefront = {
      runtime_service_account = "storefront-runtime@${var.project_id}.iam.gserviceaccount.com"
      regions                 = ["europe-west1", "us-central1", "asia-east1"]
      policy = {
        waves             = [["europe-west1"], ["us-central1", "asia-east1"]]
        on_region_failure = "rollback"
      }
    }
  }

  operators = var.operators

  notification = {
    alert_channels = var.alert_channels
  }

  labels = {
    team = "platform"
  }
}

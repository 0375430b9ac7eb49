terraform {
  # 1.5: optional() attribute defaults, check blocks and import blocks are all stable.
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 7.0"
    }
    # Cloud Functions builds from a zip archive, so the jar is wrapped in one locally.
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3.0"
    }
  }

  provider_meta "google" {
    module_name = "canaryrun/terraform/v1"
  }
}

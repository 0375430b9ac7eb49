variable "project_id" {
  description = "ID of the project that hosts canaryrun, its Firestore database and the watched Cloud Run services."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project ID (6-30 lowercase letters, digits and hyphens)."
  }
}

variable "region" {
  description = "Region of the functions, the source bucket and the scheduler job; also the default Cloud Run region of watched services (CANARYRUN_REGION)."
  type        = string
}

variable "function_jar_path" {
  description = "Path to the shaded functions jar built by `mvn -B -DskipTests package` (functions/target/canaryrun-functions.jar)."
  type        = string

  validation {
    condition     = endswith(var.function_jar_path, ".jar")
    error_message = "function_jar_path must point at the shaded .jar built from functions/."
  }
}

variable "services" {
  description = <<-EOT
    Cloud Run services that canaryrun rolls out, keyed by service name. Each service must
    already exist (canaryrun shifts traffic between revisions of an existing service).
    - runtime_service_account: email of the service's runtime identity; the controller needs
      iam.serviceAccountUser on it to deploy revisions, and on nothing else.
    - region: Cloud Run region of the service (defaults to var.region).
    - regions: for a service that runs in several regions, all of them; one build is then one
      release, rolled out region by region in policy.waves (default: the first region alone,
      then the others together), each region judged on its own traffic. The functions stay
      in var.region (one controller per project); IAM, alert policies and the audit-log sink
      cover every listed region.
    - policy: overrides of the rollout policy (docs/CONTRACT.md); unset fields keep the defaults.
      policy.release limits which images, build projects and triggers may release the service;
      policy.operators which verified Google accounts may command it.
    - alerts: thresholds of the per-revision alert policies that trigger an immediate rollback.
  EOT
  type = map(object({
    runtime_service_account = string
    region                  = optional(string)
    regions                 = optional(list(string))
    policy = optional(object({
      steps = optional(list(object({
        percent           = number
        min_dwell_seconds = number
        max_dwell_seconds = number
        # A manual gate: leaving this step needs an operator's `canaryrun promote`
        # (docs/CONTRACT.md "gate"); {} waits however long, on_timeout proceed | rollback.
        gate = optional(object({
          timeout_seconds = optional(number)
          on_timeout      = optional(string)
        }))
      })))
      judge = optional(object({
        alpha                    = optional(number)
        minimum_error_ratio      = optional(number)
        minimum_latency_increase = optional(number)
        guardrail_error_rate     = optional(number)
        guardrail_min_requests   = optional(number)
        max_cpu_utilisation      = optional(number)
        max_memory_utilisation   = optional(number)
        latency_warmup_seconds   = optional(number)
      }), {})
      metrics = optional(object({
        alignment_period_seconds = optional(number)
        ingest_delay_seconds     = optional(number)
      }), {})
      smoke_check = optional(object({
        path            = optional(string)
        expected_status = optional(number)
        attempts        = optional(number)
        timeout_seconds = optional(number)
      }), {})
      # The order a release goes through the service's regions (docs/CONTRACT.md "waves"),
      # and what a failed region does to the regions it already promoted: rollback | keep.
      waves             = optional(list(list(string)))
      on_region_failure = optional(string)

      on_new_build    = optional(string)
      candidate_tag   = optional(string)
      on_inconclusive = optional(string)
      # "observe": canaryrun judges the rollouts your own pipeline makes and publishes its
      # verdicts, and never changes traffic (README "Observe-only mode"). Default "control".
      mode = optional(string)
      # Bake time after 100% (docs/CONTRACT.md "bake"): an alert or a 5xx rise above the
      # pre-release baseline still rolls back; the previous stable stays tagged stable_tag.
      bake = optional(object({
        duration_seconds = optional(number)
        stable_tag       = optional(string)
      }), {})
      # Who may release the service (docs/SECURITY.md). Unset: the project's own Artifact
      # Registry in the service's region, and builds of this project only.
      release = optional(object({
        image_prefixes = optional(list(string))
        build_projects = optional(list(string))
        trigger_ids    = optional(list(string), [])
      }), {})
      # Google accounts (emails) whose verified commands this service accepts; empty: anyone
      # var.operators lets publish to canaryrun-commands.
      operators = optional(list(string), [])
      # When traffic may go up (docs/CONTRACT.md "schedule"); empty: any time.
      schedule = optional(object({
        windows = optional(list(object({
          days      = optional(list(string), [])
          from      = string
          to        = string
          time_zone = optional(string, "UTC")
        })), [])
        freezes = optional(list(object({
          from   = string
          to     = string
          reason = string
        })), [])
      }), {})
      # The candidate revision's scaling while it is judged (docs/CONTRACT.md
      # "candidateScaling"); unset: the stable revision's. Set on revisions canaryrun creates.
      candidate_scaling = optional(object({
        min_instances = optional(number)
        max_instances = optional(number)
      }), {})
    }), {})
    alerts = optional(object({
      enabled          = optional(bool, true)
      error_ratio      = optional(number, 0.05)
      latency_p99_ms   = optional(number, 2000)
      duration_seconds = optional(number, 120)
    }), {})
    # A weekly rollback drill (README "Rollback drills"): a Cloud Scheduler job publishes the
    # drill on the ticks topic at `start` on `day` (in time_zone); a drill delivered later than
    # window_minutes after that does not start. Unset: no scheduled drill.
    drill = optional(object({
      day            = string
      start          = string
      window_minutes = optional(number, 120)
      time_zone      = optional(string, "UTC")
    }))
  }))
  default = {}

  validation {
    condition = alltrue([for s in values(var.services) : s.drill == null ? true : (
      contains(["sun", "mon", "tue", "wed", "thu", "fri", "sat"], s.drill.day) &&
      can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", s.drill.start)) &&
      s.drill.window_minutes >= 1 && s.drill.window_minutes <= 1440
    )])
    error_message = "drill.day must be one of sun..sat, drill.start HH:MM (24 h), drill.window_minutes 1 to 1440."
  }

  validation {
    condition     = alltrue([for name in keys(var.services) : can(regex("^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$", name))])
    error_message = "Every key of services must be a Cloud Run service name (lowercase letters, digits, hyphens; at most 49 characters)."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", s.runtime_service_account)) || endswith(s.runtime_service_account, "-compute@developer.gserviceaccount.com")])
    error_message = "runtime_service_account must be a service account email (NAME@PROJECT.iam.gserviceaccount.com or the Compute default account)."
  }

  validation {
    # Steps are traffic percentages for the canary; 100 is implicit (promotion), so each
    # step must be strictly between 0 and 100 and the list strictly increasing.
    condition = alltrue([
      for s in values(var.services) : s.policy.steps == null ? true : (
        length(s.policy.steps) > 0 &&
        alltrue([for st in s.policy.steps : st.percent > 0 && st.percent < 100 && st.min_dwell_seconds >= 0 && st.max_dwell_seconds >= st.min_dwell_seconds]) &&
        alltrue([for i in range(1, length(s.policy.steps)) : s.policy.steps[i].percent > s.policy.steps[i - 1].percent])
      )
    ])
    error_message = "policy.steps must be non-empty, with increasing percents in (0, 100) and max_dwell_seconds >= min_dwell_seconds >= 0."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.regions == null ? true : (length(s.regions) > 0 && length(distinct(s.regions)) == length(s.regions) && alltrue([for r in s.regions : can(regex("^[a-z]+(-[a-z]+)*[0-9]+$", r))]))])
    error_message = "regions must be a non-empty list of distinct Cloud Run region names (e.g. europe-west1)."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.regions == null || s.region == null ? true : contains(s.regions, s.region)])
    error_message = "region, when set with regions, must be one of regions."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.policy.waves == null && s.policy.on_region_failure == null ? true : s.regions != null])
    error_message = "policy.waves and policy.on_region_failure need the service's regions."
  }
  validation {
    # Every wave non-empty, every region of a wave listed, no region in two waves, and every
    # listed region in a wave (a region in no wave would never be released).
    condition = alltrue([for s in values(var.services) : s.policy.waves == null || s.regions == null ? true : (
      alltrue([for w in s.policy.waves : length(w) > 0]) &&
      alltrue([for r in flatten(s.policy.waves) : contains(s.regions, r)]) &&
      length(distinct(flatten(s.policy.waves))) == length(flatten(s.policy.waves)) &&
      length(flatten(s.policy.waves)) == length(s.regions)
    )])
    error_message = "policy.waves must be non-empty waves of the service's regions, each region in exactly one wave."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.policy.on_region_failure == null ? true : contains(["rollback", "keep"], s.policy.on_region_failure)])
    error_message = "policy.on_region_failure must be \"rollback\" or \"keep\"."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.regions == null ? true : s.policy.mode != "observe"])
    error_message = "regions cannot be set with policy.mode \"observe\" (a release across regions is steered wave by wave)."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.policy.on_new_build == null ? true : contains(["supersede", "ignore"], s.policy.on_new_build)])
    error_message = "policy.on_new_build must be \"supersede\" or \"ignore\"."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.policy.steps == null ? true : alltrue([for st in s.policy.steps : st.gate == null ? true : (st.gate.on_timeout == null ? true : contains(["proceed", "rollback"], st.gate.on_timeout))])])
    error_message = "policy.steps[].gate.on_timeout must be \"proceed\" or \"rollback\"."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.policy.bake.duration_seconds == null ? true : (s.policy.bake.duration_seconds >= 0 && s.policy.bake.duration_seconds <= 604800)])
    error_message = "policy.bake.duration_seconds must be in 0..604800 (7 days)."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.policy.mode == null ? true : contains(["control", "observe"], s.policy.mode)])
    error_message = "policy.mode must be \"control\" or \"observe\"."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.policy.on_inconclusive == null ? true : contains(["promote", "pause", "rollback"], s.policy.on_inconclusive)])
    error_message = "policy.on_inconclusive must be \"promote\", \"pause\" or \"rollback\"."
  }

  validation {
    condition = alltrue([for s in values(var.services) : (
      (s.policy.candidate_scaling.min_instances == null ? true : (s.policy.candidate_scaling.min_instances >= 0 && s.policy.candidate_scaling.min_instances <= 1000 && floor(s.policy.candidate_scaling.min_instances) == s.policy.candidate_scaling.min_instances)) &&
      (s.policy.candidate_scaling.max_instances == null ? true : (s.policy.candidate_scaling.max_instances >= 1 && s.policy.candidate_scaling.max_instances <= 1000 && floor(s.policy.candidate_scaling.max_instances) == s.policy.candidate_scaling.max_instances)) &&
      (s.policy.candidate_scaling.min_instances == null || s.policy.candidate_scaling.max_instances == null ? true : s.policy.candidate_scaling.min_instances <= s.policy.candidate_scaling.max_instances)
    )])
    error_message = "policy.candidate_scaling.min_instances must be a whole number in 0..1000, max_instances in 1..1000, and min_instances <= max_instances."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.policy.judge.alpha == null ? true : (s.policy.judge.alpha > 0 && s.policy.judge.alpha < 1)])
    error_message = "policy.judge.alpha must be in (0, 1)."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.alerts.error_ratio > 0 && s.alerts.error_ratio <= 1 && s.alerts.latency_p99_ms > 0 && s.alerts.duration_seconds >= 0])
    error_message = "alerts.error_ratio must be in (0, 1], alerts.latency_p99_ms > 0 and alerts.duration_seconds >= 0."
  }
}

variable "operators" {
  description = "IAM members (user:, group:, serviceAccount:, domain:) allowed to publish operator commands (pause, resume, promote, rollback) to canaryrun-commands."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.operators : can(regex("^(user|group|serviceAccount|domain|principal|principalSet):.+", m))])
    error_message = "Each operator must be an IAM member such as user:alice@example.com or group:sre@example.com."
  }
}

variable "notification" {
  description = <<-EOT
    Notification settings.
    - alert_channels: extra Monitoring notification channel IDs (e.g. the on-call email) that
      the canary alert policies notify besides canaryrun's own Pub/Sub channel.
    - events_push_endpoint: HTTPS endpoint (a chat bridge, an audit sink) that receives the
      lifecycle events of canaryrun-events through a push subscription; null for none.
    - events_push_service_account: service account whose OIDC token authenticates those pushes.
    - alert_auto_close_seconds: how long an incident stays open without new data.
  EOT
  type = object({
    alert_channels              = optional(list(string), [])
    events_push_endpoint        = optional(string)
    events_push_service_account = optional(string)
    alert_auto_close_seconds    = optional(number, 1800)
  })
  default = {}

  validation {
    condition     = var.notification.events_push_endpoint == null ? true : startswith(var.notification.events_push_endpoint, "https://")
    error_message = "notification.events_push_endpoint must be an https:// URL."
  }
}

variable "database_id" {
  description = "Firestore database ID (CANARYRUN_DATABASE)."
  type        = string
  default     = "(default)"
}

variable "create_firestore_database" {
  description = "Create the Firestore database. Set to false when the project already has it (a project has one (default) database)."
  type        = bool
  default     = true
}

variable "firestore_location" {
  description = "Firestore location (a region such as europe-west1 or a multi-region such as nam5); defaults to var.region."
  type        = string
  default     = null
}

variable "create_cloud_builds_topic" {
  description = "Create the cloud-builds topic. Cloud Build publishes build events there once it exists; set to false if the project already has it."
  type        = bool
  default     = true
}

variable "enable_apis" {
  description = "Enable the Google Cloud APIs that canaryrun needs."
  type        = bool
  default     = true
}

variable "source_bucket_name" {
  description = "Name of the bucket that holds the function source archive; defaults to <project_id>-canaryrun-source."
  type        = string
  default     = null
}

variable "force_destroy_source_bucket" {
  description = "Delete the source bucket on destroy even though it holds archives."
  type        = bool
  default     = false
}

variable "function_settings" {
  description = "Sizing of the four functions. The controller is I/O-bound; one instance per event is plenty."
  type = object({
    available_memory   = optional(string, "512M")
    available_cpu      = optional(string, "1")
    timeout_seconds    = optional(number, 120)
    max_instance_count = optional(number, 5)
    min_instance_count = optional(number, 0)
  })
  default = {}

  validation {
    condition     = var.function_settings.timeout_seconds >= 90 && var.function_settings.timeout_seconds <= 540
    error_message = "function_settings.timeout_seconds must be in [90, 540]: event-driven functions allow at most 540 s, and canaryrun's Cloud Run calls need at least 90 s (TimeoutAgreementTest)."
  }
}

variable "max_event_age_seconds" {
  description = "Events older than this are dropped with a log line (CANARYRUN_MAX_EVENT_AGE_SECONDS)."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_event_age_seconds > 0
    error_message = "max_event_age_seconds must be positive."
  }
}

variable "tick_schedule" {
  description = "Cron schedule of the Cloud Scheduler job that publishes a tick ({}) to canaryrun-ticks."
  type        = string
  default     = "* * * * *"
}

variable "tick_time_zone" {
  description = "Time zone of tick_schedule."
  type        = string
  default     = "Etc/UTC"
}

variable "dead_letter_max_delivery_attempts" {
  description = "Delivery attempts before a message of a canaryrun-owned subscription goes to its <topic>-dead-letter topic."
  type        = number
  default     = 10

  validation {
    condition     = var.dead_letter_max_delivery_attempts >= 5 && var.dead_letter_max_delivery_attempts <= 100
    error_message = "Pub/Sub accepts between 5 and 100 delivery attempts."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long dead-lettered messages are kept for inspection and replay."
  type        = number
  default     = 604800
}

variable "labels" {
  description = "Labels applied to every resource that takes labels."
  type        = map(string)
  default     = {}
}

variable "policy_database_id" {
  description = "Firestore database that holds policies/{service}: written by Terraform, read-only for the functions, so a compromised function cannot rewrite who may release or operate a service (docs/SECURITY.md)."
  type        = string
  default     = "canaryrun-policies"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.policy_database_id))
    error_message = "policy_database_id must be a Firestore database id (4-63 lowercase letters, digits and hyphens)."
  }
}

variable "command_audiences" {
  description = "Audiences an operator's ID token may carry (CANARYRUN_COMMAND_AUDIENCES): gcloud's client id for `gcloud auth print-identity-token` by a user, and canaryrun-commands for a service account's `--audiences=canaryrun-commands --include-email`."
  type        = list(string)
  default     = ["32555940559.apps.googleusercontent.com", "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com", "canaryrun-commands"]

  validation {
    condition     = length(var.command_audiences) > 0
    error_message = "command_audiences must name at least one audience: commands without a verified sender are refused."
  }
}

/**
 * canaryrun: progressive delivery for Cloud Run.
 *
 * Names below are the deployment contract (docs/CONTRACT.md): a test in functions/ checks
 * them against the Java constants, so change both together.
 */

locals {
  # Function key => contract. Keys are short so that derived account IDs fit in 30 characters.
  functions = {
    build = {
      name        = "canaryrun-on-build-finished"
      entry_point = "dev.canaryrun.functions.OnBuildFinished"
      topic       = "cloud-builds"
      description = "Starts a rollout when a build of a watched service succeeds."
    }
    tick = {
      name        = "canaryrun-on-phase-tick"
      entry_point = "dev.canaryrun.functions.OnPhaseTick"
      topic       = "canaryrun-ticks"
      description = "Judges every active rollout and advances, holds, promotes or rolls it back."
    }
    alert = {
      name        = "canaryrun-on-alert-fired"
      entry_point = "dev.canaryrun.functions.OnAlertFired"
      topic       = "canaryrun-alerts"
      description = "Rolls a canary back when a Cloud Monitoring alert fires on its revision."
    }
    command = {
      name        = "canaryrun-on-command"
      entry_point = "dev.canaryrun.functions.OnCommand"
      topic       = "canaryrun-commands"
      description = "Applies operator commands: pause, resume, promote, rollback, retry."
    }
    revision = {
      name        = "canaryrun-on-revision-created"
      entry_point = "dev.canaryrun.functions.OnRevisionCreated"
      topic       = "canaryrun-revisions"
      description = "Starts a rollout for a revision made outside canaryrun (Cloud Run audit log)."
    }
  }

  topics = {
    builds    = "cloud-builds"
    ticks     = "canaryrun-ticks"
    alerts    = "canaryrun-alerts"
    commands  = "canaryrun-commands"
    revisions = "canaryrun-revisions"
    events    = "canaryrun-events"
  }

  # cloud-builds may already exist: Cloud Build publishes to it as soon as it does.
  managed_topics = toset([for key, name in local.topics : name if key != "builds" || var.create_cloud_builds_topic])

  # Topic name => full ID; module-created topics come from the resource so that consumers
  # are ordered after their creation.
  topic_ids = merge(
    { for name in values(local.topics) : name => "projects/${var.project_id}/topics/${name}" },
    { for name, topic in google_pubsub_topic.topic : name => topic.id },
  )

  database_id        = var.database_id
  firestore_location = coalesce(var.firestore_location, var.region)
  source_bucket_name = coalesce(var.source_bucket_name, "${var.project_id}-canaryrun-source")

  labels = merge(var.labels, {
    managed-by = "canaryrun"
  })

  environment_variables = {
    CANARYRUN_PROJECT               = var.project_id
    CANARYRUN_DATABASE              = local.database_id
    CANARYRUN_REGION                = var.region
    CANARYRUN_EVENTS_TOPIC          = local.topics.events
    CANARYRUN_TICKS_TOPIC           = local.topics.ticks
    CANARYRUN_MAX_EVENT_AGE_SECONDS = tostring(var.max_event_age_seconds)
    CANARYRUN_POLICY_DATABASE       = var.policy_database_id
    CANARYRUN_COMMAND_AUDIENCES     = join(",", var.command_audiences)
    # The Cloud Run router sizes its waits from it, so it never outlives the invocation.
    CANARYRUN_FUNCTION_TIMEOUT_SECONDS = tostring(var.function_settings.timeout_seconds)
    # Rollback drills: where the drill incident goes, and the channel the alert policies
    # must notify (a drill checks they do).
    CANARYRUN_ALERTS_TOPIC  = local.topics.alerts
    CANARYRUN_ALERT_CHANNEL = google_monitoring_notification_channel.alerts.id
  }

  # The policy defaults of docs/CONTRACT.md, in the JSON shape the controller reads.
  policy_defaults = {
    steps = [
      { percent = 5, minDwellSeconds = 300, maxDwellSeconds = 900 },
      { percent = 20, minDwellSeconds = 600, maxDwellSeconds = 1800 },
      { percent = 50, minDwellSeconds = 900, maxDwellSeconds = 2700 },
    ]
    judge = {
      alpha                  = 0.01
      minimumErrorRatio      = 1.5
      minimumLatencyIncrease = 0.2
      guardrailErrorRate     = 0.2
      guardrailMinRequests   = 20
      maxCpuUtilisation      = 0.95
      maxMemoryUtilisation   = 0.95
      latencyWarmupSeconds   = 120
    }
    metrics    = { alignmentPeriodSeconds = 60, ingestDelaySeconds = 180 }
    smokeCheck = { path = "/", expectedStatus = 200, attempts = 3, timeoutSeconds = 5 }
    onNewBuild = "supersede"
    # promote | pause | rollback when the time budget ends inconclusive (docs/CONTRACT.md).
    onInconclusive = "promote"
    # The tag that addresses the candidate revision (its URL is https://canary---...).
    candidateTag = "canary"
    # control: canaryrun moves traffic; observe: it only judges (your pipeline moves traffic).
    mode = "control"
    # Seconds at 100% during which an alert or a 5xx rise still rolls back (0: none).
    bake = { durationSeconds = 0, stableTag = "previous" }
  }

  # Defaults + per-service overrides. Overrides are snake_case (Terraform style) and are
  # mapped onto the camelCase fields of the policy JSON; unset (null) overrides keep the
  # default, so the document always carries the complete, effective policy.
  policy_base = {
    for name, svc in var.services : name => {
      steps = svc.policy.steps == null ? local.policy_defaults.steps : [
        for s in svc.policy.steps : {
          percent         = s.percent
          minDwellSeconds = s.min_dwell_seconds
          maxDwellSeconds = s.max_dwell_seconds
          gate = s.gate == null ? null : {
            timeoutSeconds = s.gate.timeout_seconds
            onTimeout      = coalesce(s.gate.on_timeout, "rollback")
          }
        }
      ]
      judge = merge(local.policy_defaults.judge, { for k, v in {
        alpha                  = svc.policy.judge.alpha
        minimumErrorRatio      = svc.policy.judge.minimum_error_ratio
        minimumLatencyIncrease = svc.policy.judge.minimum_latency_increase
        guardrailErrorRate     = svc.policy.judge.guardrail_error_rate
        guardrailMinRequests   = svc.policy.judge.guardrail_min_requests
        maxCpuUtilisation      = svc.policy.judge.max_cpu_utilisation
        maxMemoryUtilisation   = svc.policy.judge.max_memory_utilisation
        latencyWarmupSeconds   = svc.policy.judge.latency_warmup_seconds
      } : k => v if v != null })
      metrics = merge(local.policy_defaults.metrics, { for k, v in {
        alignmentPeriodSeconds = svc.policy.metrics.alignment_period_seconds
        ingestDelaySeconds     = svc.policy.metrics.ingest_delay_seconds
      } : k => v if v != null })
      smokeCheck = merge(local.policy_defaults.smokeCheck, { for k, v in {
        path           = svc.policy.smoke_check.path
        expectedStatus = svc.policy.smoke_check.expected_status
        attempts       = svc.policy.smoke_check.attempts
        timeoutSeconds = svc.policy.smoke_check.timeout_seconds
      } : k => v if v != null })
      onNewBuild     = coalesce(svc.policy.on_new_build, local.policy_defaults.onNewBuild)
      onInconclusive = coalesce(svc.policy.on_inconclusive, local.policy_defaults.onInconclusive)
      candidateTag   = coalesce(svc.policy.candidate_tag, local.policy_defaults.candidateTag)
      mode           = coalesce(svc.policy.mode, local.policy_defaults.mode)
      bake = merge(local.policy_defaults.bake, { for k, v in {
        durationSeconds = svc.policy.bake.duration_seconds
        stableTag       = svc.policy.bake.stable_tag
      } : k => v if v != null })
      # Who may release: always written, so a forged build's image from elsewhere is refused.
      release = {
        imagePrefixes = coalesce(svc.policy.release.image_prefixes, [for r in coalesce(svc.regions, [coalesce(svc.region, var.region)]) : "${r}-docker.pkg.dev/${var.project_id}/"])
        buildProjects = coalesce(svc.policy.release.build_projects, [var.project_id])
        triggerIds    = svc.policy.release.trigger_ids
      }
      operators = svc.policy.operators
      # Release windows and freezes: outside a window (or in a freeze) a rollout holds its step.
      schedule = {
        windows = [for w in svc.policy.schedule.windows : {
          days = w.days, from = w.from, to = w.to, timeZone = w.time_zone
        }]
        freezes = [for f in svc.policy.schedule.freezes : {
          from = f.from, to = f.to, reason = f.reason
        }]
      }
      # The candidate revision's scaling while judged; only what is set is written.
      candidateScaling = { for k, v in {
        minInstances = svc.policy.candidate_scaling.min_instances
        maxInstances = svc.policy.candidate_scaling.max_instances
      } : k => v if v != null }
    }
  }

  # A release across regions (policy regions, waves, onRegionFailure; README "Releases
  # across regions"): only what is set is written, so a one-region policy stays as it was.
  policy_regions = {
    for name, svc in var.services : name => { for k, v in {
      regions         = svc.regions
      waves           = svc.policy.waves
      onRegionFailure = svc.policy.on_region_failure
    } : k => v if v != null }
  }

  policies = {
    for name, p in local.policy_base : name => merge(p, local.policy_regions[name])
  }

  services = {
    for name, svc in var.services : name => merge(svc, {
      # The policy document's region: the service's first region when it lists several.
      region      = coalesce(svc.region, try(svc.regions[0], null), var.region)
      all_regions = coalesce(svc.regions, [coalesce(svc.region, var.region)])
    })
  }

  # Every watched service in every region it runs in: the first region keyed by the
  # service's name alone (as before releases spanned regions), the others SERVICE@REGION.
  service_regions = flatten([
    for name, svc in local.services : [
      for i, r in svc.all_regions : { key = i == 0 ? name : "${name}@${r}", service = name, region = r }
    ]
  ])

  # Every (function, watched service, region): each function may shift traffic of any watched
  # service in any of its regions (rollback can come from a tick, an alert or an operator),
  # so each needs the canaryrun Cloud Run role there (no delete, no IAM), and on nothing else.
  function_services = {
    for pair in setproduct(keys(local.functions), local.service_regions) :
    "${pair[0]}/${pair[1].key}" => { function = pair[0], service = pair[1].service, region = pair[1].region, first = pair[1].key == pair[1].service }
  }

  # Functions that may create a revision (actAs on the runtime accounts): the build function
  # deploys the candidate; the tick re-drives a deploy that got stuck and a retry command
  # re-deploys a candidate that never deployed. The alert function only moves traffic.
  deploying_functions = toset(["build", "tick", "command"])
  # actAs is on the service's runtime account, the same in every region: one grant each.
  deploying_services = {
    for key, pair in local.function_services : key => pair if contains(local.deploying_functions, pair.function) && pair.first
  }
}

data "google_project" "this" {
  project_id = var.project_id
}

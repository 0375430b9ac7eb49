package dev.canaryrun.gcp.drill;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.monitoring.v3.AlertPolicyServiceClient;
import com.google.monitoring.v3.AlertPolicy;
import com.google.monitoring.v3.ListAlertPoliciesRequest;
import dev.canaryrun.report.DrillReport;
import dev.canaryrun.rollout.DrillCheck;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The alert policies a real alert rollback depends on: the service's policies (user label
 * {@code canaryrun-service}, as the Terraform module writes them) exist, are enabled and
 * notify canaryrun's Pub/Sub channel. Listed whole (ListAlertPolicies, paged by the client)
 * and filtered here: a project has few alert policies, and the check must not depend on the
 * filter grammar.
 */
public final class AlertPolicyCheck {
  public static final String SERVICE_LABEL = "canaryrun-service";

  private final AlertPolicyServiceClient client;
  private final String project;
  private final String channel;
  private final Clock clock;

  /** @param channel the notification channel's name; null when not configured (check fails) */
  public AlertPolicyCheck(AlertPolicyServiceClient client, String project, String channel,
      Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.project = Objects.requireNonNull(project, "project");
    this.channel = channel;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  DrillCheck check(String service) {
    Instant at = clock.instant();
    if (channel == null || channel.isBlank()) {
      return DrillCheck.fail(DrillReport.ALERT_POLICIES, "CANARYRUN_ALERT_CHANNEL is not set:"
          + " the alert policies' channel cannot be checked", at);
    }
    List<AlertPolicy> mine = new ArrayList<>();
    try {
      for (AlertPolicy p : client.listAlertPolicies(ListAlertPoliciesRequest.newBuilder()
          .setName("projects/" + project).build()).iterateAll()) {
        if (service.equals(p.getUserLabelsMap().get(SERVICE_LABEL))) {
          mine.add(p);
        }
      }
    } catch (ApiException e) {
      return DrillCheck.fail(DrillReport.ALERT_POLICIES, "listing the alert policies failed: "
          + e.getStatusCode().getCode() + ": " + e.getMessage(), at);
    }
    if (mine.isEmpty()) {
      return DrillCheck.fail(DrillReport.ALERT_POLICIES, "no alert policy has user label "
          + SERVICE_LABEL + "=" + service + ": no incident would ever roll a bad canary back", at);
    }
    List<String> problems = new ArrayList<>();
    for (AlertPolicy p : mine) {
      if (p.hasEnabled() && !p.getEnabled().getValue()) {
        problems.add("'" + p.getDisplayName() + "' is disabled");
      }
      if (!p.getNotificationChannelsList().contains(channel)) {
        problems.add("'" + p.getDisplayName() + "' does not notify " + channel + " (it notifies "
            + p.getNotificationChannelsList() + ")");
      }
    }
    List<String> names = mine.stream().map(AlertPolicy::getDisplayName).toList();
    return problems.isEmpty()
        ? DrillCheck.pass(DrillReport.ALERT_POLICIES, mine.size() + " alert policies of "
            + service + " enabled and notifying " + channel + ": " + names, at)
        : DrillCheck.fail(DrillReport.ALERT_POLICIES, String.join("; ", problems), at);
  }
}

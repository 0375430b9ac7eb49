package dev.canaryrun.cli.demo;

import com.google.cloud.monitoring.v3.AlertPolicyServiceClient;
import com.google.monitoring.v3.AlertPolicy;
import com.google.protobuf.BoolValue;
import dev.canaryrun.gcp.drill.AlertPolicyCheck;
import dev.canaryrun.gcp.monitoring.MonitoringClients;
import dev.canaryrun.local.LocalControlPlane;
import java.util.List;
import java.util.Optional;

/**
 * The demo service's alert policies and notification channel, as the Terraform module makes
 * them (5xx ratio and p99 latency per revision, user label {@code canaryrun-service}), in the
 * local Monitoring: so that {@code ./canaryrun drill checkout} on {@code demo --keep} finds
 * what a real rollback depends on.
 */
final class DemoAlertPolicies {
  private DemoAlertPolicies() {}

  /** Creates the policies; returns the channel's name (CANARYRUN_ALERT_CHANNEL). */
  static String create(LocalControlPlane plane, String project, String service) {
    String channel = "projects/" + project + "/notificationChannels/canaryrun-alerts";
    try (AlertPolicyServiceClient client =
        MonitoringClients.alertPolicies(Optional.of(plane.endpoint()))) {
      for (String what : List.of("5xx ratio per revision", "p99 latency per revision")) {
        client.createAlertPolicy("projects/" + project, AlertPolicy.newBuilder()
            .setDisplayName("canaryrun " + service + ": " + what)
            .putUserLabels(AlertPolicyCheck.SERVICE_LABEL, service)
            .setEnabled(BoolValue.of(true)).addNotificationChannels(channel).build());
      }
    }
    return channel;
  }
}

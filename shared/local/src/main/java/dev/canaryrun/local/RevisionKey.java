package dev.canaryrun.local;

import java.util.Objects;

/**
 * The monitored resource a sample belongs to: the labels of a {@code cloud_run_revision}
 * resource. Names are short (not resource paths): service {@code checkout}, revision
 * {@code checkout-00002-abc}.
 */
public record RevisionKey(String project, String location, String service, String revision) {

  public RevisionKey {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(revision, "revision");
  }
}

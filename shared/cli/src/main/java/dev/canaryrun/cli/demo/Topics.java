package dev.canaryrun.cli.demo;

import java.util.List;

/** The topic names of docs/CONTRACT.md, and the subscription the demo gives each function. */
final class Topics {
  static final String BUILDS = "cloud-builds";
  static final String TICKS = "canaryrun-ticks";
  static final String ALERTS = "canaryrun-alerts";
  static final String COMMANDS = "canaryrun-commands";
  static final String EVENTS = "canaryrun-events";

  static final List<String> ALL = List.of(BUILDS, TICKS, ALERTS, COMMANDS, EVENTS);

  private Topics() {}

  /** Named after the function it feeds, as the Terraform module's push subscriptions are. */
  static String subscription(String topic) {
    return switch (topic) {
      case BUILDS -> "canaryrun-on-build-finished";
      case TICKS -> "canaryrun-on-phase-tick";
      case ALERTS -> "canaryrun-on-alert-fired";
      case COMMANDS -> "canaryrun-on-command";
      case EVENTS -> "canaryrun-demo-live-view";
      default -> throw new IllegalArgumentException("unknown topic " + topic);
    };
  }
}

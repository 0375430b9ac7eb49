package dev.canaryrun.judge;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One line of a verdict's explanation: what was checked, its outcome, a sentence with the
 * numbers and thresholds, and the figures themselves for machines (audit, live view).
 */
public record Check(String name, Outcome outcome, String explanation, Map<String, Double> figures) {
  public Check {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(explanation, "explanation");
    // Sorted so that stored and logged figures read the same every time.
    figures = java.util.Collections.unmodifiableMap(new TreeMap<>(figures));
  }
}

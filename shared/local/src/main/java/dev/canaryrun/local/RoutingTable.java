package dev.canaryrun.local;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a service's router does with a request: split untagged traffic by percent, send
 * tagged traffic to the tag's revision. Revision names are short.
 */
record RoutingTable(List<Split> split, Map<String, String> tags) {

  record Split(String revision, int percent) {
    Split {
      Objects.requireNonNull(revision, "revision");
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException("percent must be in [0, 100], got " + percent);
      }
    }
  }

  RoutingTable {
    split = List.copyOf(split);
    tags = Map.copyOf(tags);
  }

  static RoutingTable empty() {
    return new RoutingTable(List.of(), Map.of());
  }

  /** Picks a revision for a draw in [0, 100); null when nothing takes traffic. */
  String pick(int draw) {
    int acc = 0;
    for (Split s : split) {
      acc += s.percent();
      if (draw < acc) {
        return s.revision();
      }
    }
    return null;
  }
}

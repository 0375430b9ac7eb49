package dev.canaryrun.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds what on the local Cloud Run services, for {@code Services.TestIamPermissions}.
 * Locally there is one caller (there is no authentication), holding every permission unless a
 * test takes some away ({@link #deny}), so a drill can be shown to notice a missing grant.
 *
 * <p>As Google documents the method: it returns the subset of the requested permissions that
 * the caller holds, needs no permission itself, and refuses wildcards ({@code run.*}) with
 * INVALID_ARGUMENT.
 */
public final class LocalIam {
  private final Map<String, Set<String>> denied = new ConcurrentHashMap<>();

  /** The caller no longer holds {@code permissions} on {@code service} (a service name). */
  public void deny(String serviceName, String... permissions) {
    denied.computeIfAbsent(serviceName, k -> ConcurrentHashMap.newKeySet())
        .addAll(List.of(permissions));
  }

  /** Every permission is held again. */
  public void grantAll() {
    denied.clear();
  }

  List<String> held(String resource, List<String> permissions) {
    RunNames.service(resource); // names a service, or INVALID_ARGUMENT
    List<String> out = new ArrayList<>();
    Set<String> none = denied.getOrDefault(resource, Set.of());
    for (String p : permissions) {
      if (p.contains("*")) {
        throw new IllegalArgumentException("Permissions with wildcards (such as * or run.*)"
            + " are not allowed: " + p);
      }
      if (!none.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }
}

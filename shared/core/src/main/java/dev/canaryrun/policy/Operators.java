package dev.canaryrun.policy;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who may command a watched service's rollouts (policy field {@code operators}): verified
 * Google account emails, compared case-blind as Google compares them. Empty means anyone the
 * commands topic lets publish and whose ID token verifies: the topic's publisher binding is
 * then the only list (docs/SECURITY.md).
 */
public record Operators(List<String> emails) {
  public static final int MAX_ENTRIES = 100;
  public static final int MAX_EMAIL = 254;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  public Operators {
    emails = emails.stream().map(e -> e == null ? null : e.toLowerCase(Locale.ROOT)).toList();
  }

  public static Operators anyone() {
    return new Operators(List.of());
  }

  public boolean restricts() {
    return !emails.isEmpty();
  }

  /** True when {@code email} (a verified identity) may act on the service. */
  public boolean allows(String email) {
    return emails.isEmpty() || (email != null && emails.contains(email.toLowerCase(Locale.ROOT)));
  }

  void validate(List<String> problems) {
    if (emails.size() > MAX_ENTRIES) {
      problems.add("operators: " + emails.size() + " entries, over the limit of " + MAX_ENTRIES);
    }
    for (int i = 0; i < emails.size(); i++) {
      String e = emails.get(i);
      if (e == null || e.length() > MAX_EMAIL || !EMAIL.matcher(e).matches()) {
        problems.add("operators[" + i + "]: '" + (e == null ? "null"
            : e.length() > 80 ? e.substring(0, 77) + "..." : e) + "' is not an email address");
      }
    }
  }
}

package dev.canaryrun.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The policy's {@code release} and {@code operators} fields: parsed, validated, bounded. */
class PolicyAccessTest {
  static final String RULES = "{\"release\": {\"imagePrefixes\": "
      + "[\"europe-west1-docker.pkg.dev/shop-prod/\", \"gcr.io/shop-prod/checkout\"],"
      + " \"buildProjects\": [\"shop-prod\"], \"triggerIds\": [\"2a7c9e41-5b3d\"]},"
      + " \"operators\": [\"Alice@Example.com\","
      + " \"deploy-bot@shop-prod.iam.gserviceaccount.com\"]}";

  @Test
  void releaseRulesAndOperatorsRoundTrip() {
    RolloutPolicy p = PolicyJson.parse(RULES);
    assertEquals(List.of("shop-prod"), p.release().buildProjects());
    assertTrue(p.operators().allows("alice@example.com"), "case-blind, as Google compares");
    assertFalse(p.operators().allows("mallory@example.com"));
    assertEquals(p, PolicyJson.parse(PolicyJson.write(p)));
  }

  @Test
  void aRepositoryEntryIsNotAPrefixOfASiblingRepository() {
    ReleaseRules r = PolicyJson.parse(RULES).release();
    String digest = "@sha256:" + "a".repeat(64);
    assertEquals(Optional.empty(), r.check("gcr.io/shop-prod/checkout" + digest, "shop-prod",
        "2a7c9e41-5b3d"));
    assertTrue(r.check("gcr.io/shop-prod/checkout-evil" + digest, "shop-prod", "2a7c9e41-5b3d")
        .orElseThrow().contains("not from an allowed repository"));
    assertTrue(r.check("europe-west1-docker.pkg.dev/shop-prod-evil/x/y" + digest, "shop-prod",
        "2a7c9e41-5b3d").isPresent());
  }

  @Test
  void badEntriesAreNamedByTheirPath() {
    InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> PolicyJson.parse(
        "{\"release\": {\"imagePrefixes\": [\"not a registry\", 3], \"buildProjects\": \"p\","
            + " \"triggerIDs\": []}, \"operators\": [\"alice\"]}"));
    String all = String.join("; ", e.problems());
    assertTrue(all.contains("release.imagePrefixes[1]: '3' is not a string"), all);
    assertTrue(all.contains("release.buildProjects: must be an array of strings"), all);
    assertTrue(all.contains("release.triggerIDs: unknown field"), all);
    e = assertThrows(InvalidPolicyException.class, () -> PolicyJson.parse(
        "{\"release\": {\"imagePrefixes\": [\"not a registry\"]}, \"operators\": [\"alice\"]}"));
    all = String.join("; ", e.problems());
    assertTrue(all.contains("release.imagePrefixes[0]: 'not a registry' is not a registry"), all);
    assertTrue(all.contains("operators[0]: 'alice' is not an email address"), all);
  }

  @Test
  void listsAndStepsAreBounded() {
    String many = "\"a@b.co\",".repeat(Operators.MAX_ENTRIES) + "\"a@b.co\"";
    InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
        () -> PolicyJson.parse("{\"operators\": [" + many + "]}"));
    assertTrue(e.problems().get(0).contains("over the limit of " + Operators.MAX_ENTRIES),
        e.problems().toString());
    StringBuilder steps = new StringBuilder("{\"steps\": [");
    for (int i = 1; i <= RolloutPolicy.MAX_STEPS + 1; i++) {
      steps.append(i > 1 ? "," : "").append("{\"percent\": ").append(i)
          .append(", \"minDwellSeconds\": 60}");
    }
    e = assertThrows(InvalidPolicyException.class,
        () -> PolicyJson.parse(steps.append("]}").toString()));
    assertTrue(String.join(";", e.problems()).contains("over the limit of 20"));
  }
}

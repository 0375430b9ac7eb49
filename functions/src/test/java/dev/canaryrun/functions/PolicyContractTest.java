package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canaryrun.policy.PolicyJson;
import dev.canaryrun.policy.RolloutPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The policy JSON of docs/CONTRACT.md is the controller's default policy, field for field. The
 * Terraform module's defaults are held to the same block by terraform/validator's
 * policy-defaults test, so Java, the contract and Terraform cannot drift apart.
 */
class PolicyContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 20 and 20.0 are the same default; everything else compares as usual. */
  private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) ->
      a.isNumber() && b.isNumber()
          ? Double.compare(a.doubleValue(), b.doubleValue())
          : a.equals(b) ? 0 : 1;

  @Test
  void theContractsPolicyJsonIsTheDefaultPolicyWithEveryFieldExplicit() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "CONTRACT.md"));
    String section = doc.substring(doc.indexOf("## Policy JSON"));
    Matcher m = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(section);
    assertTrue(m.find(), "docs/CONTRACT.md has a ```json block under '## Policy JSON'");
    String contract = m.group(1);

    assertEquals(RolloutPolicy.defaults(), PolicyJson.parse(contract));
    // Every field written out: a field that the contract leaves implicit is one Terraform
    // cannot be checked against.
    JsonNode written = JSON.readTree(PolicyJson.write(RolloutPolicy.defaults()));
    JsonNode documented = JSON.readTree(contract);
    assertTrue(written.equals(NUMBERS_BY_VALUE, documented),
        "docs/CONTRACT.md policy JSON\n" + documented + "\nmust spell out the defaults\n" + written);
  }
}

package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the Terraform module (terraform/*.tf, read as text) and docs/CONTRACT.md to the Java
 * side of the contract: {@link DeploymentContract} and {@link Env}. A missing module fails
 * loudly: a contract nobody checks is how a renamed entry point reaches production.
 */
class TerraformContractTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static String terraform;
  private static List<Map<String, String>> blocks;

  @BeforeAll
  static void readTerraform() throws IOException {
    Path dir = ROOT.resolve("terraform");
    if (!Files.isDirectory(dir)) {
      fail("no Terraform module at " + dir + ": the deployment contract cannot be checked");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".tf")).sorted().toList();
    }
    if (files.isEmpty()) {
      fail("no *.tf files in " + dir + ": the deployment contract cannot be checked");
    }
    StringBuilder all = new StringBuilder();
    for (Path f : files) {
      all.append(stripComments(Files.readString(f))).append('\n');
    }
    terraform = all.toString();
    blocks = innermostBlocks(terraform);
  }

  @Test
  void everyFunctionHasItsNameEntryPointAndTopicTogether() {
    for (DeploymentContract.Function f : DeploymentContract.FUNCTIONS) {
      List<Map<String, String>> matching = blocks.stream()
          .filter(b -> f.name().equals(b.get("name"))).toList();
      assertEquals(1, matching.size(), "exactly one Terraform block names function " + f.name());
      Map<String, String> b = matching.get(0);
      assertEquals(f.entryPointName(), b.get("entry_point"), f.name() + " entry_point");
      assertEquals(f.topic(), b.get("topic"), f.name() + " trigger topic");
    }
    String notifier = DeploymentContract.NOTIFIER_ENTRY_POINT.getName();
    long declared = blocks.stream().filter(b -> b.containsKey("entry_point")
        && !notifier.equals(b.get("entry_point"))).count();
    assertEquals(DeploymentContract.FUNCTIONS.size(), declared,
        "Terraform declares functions the Java side does not know");
    assertTrue(terraform.contains("entry_point = \"" + notifier + "\""),
        "a Terraform function runs the chat notifier");
    assertTrue(terraform.contains("name        = \"" + DeploymentContract.NOTIFIER_NAME + "\""),
        "the notifier function is named " + DeploymentContract.NOTIFIER_NAME);
  }

  @Test
  void theChatKindsTerraformAcceptsAreTheOnesTheNotifierParses() {
    Matcher m = Pattern.compile("contains\\(\\[([^\\]]*)\\], t\\.kind\\)").matcher(terraform);
    assertTrue(m.find(), "terraform validates chat_notifications[*].kind");
    List<String> terraformKinds = Pattern.compile("\"([a-z_]+)\"").matcher(m.group(1)).results()
        .map(r -> r.group(1)).sorted().toList();
    List<String> javaKinds = Stream.of(dev.canaryrun.gcp.notify.ChatTarget.Kind.values())
        .map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList();
    assertEquals(javaKinds, terraformKinds);
    for (String kind : terraformKinds) {
      dev.canaryrun.gcp.notify.ChatTarget.Kind.parse(kind); // what Terraform passes on parses
    }
  }

  @Test
  void entryPointsAreRealClasses() throws Exception {
    for (DeploymentContract.Function f : DeploymentContract.FUNCTIONS) {
      // The runtime instantiates the entry point by name with its no-argument constructor.
      assertTrue(com.google.cloud.functions.CloudEventsFunction.class.isAssignableFrom(
          Class.forName(f.entryPointName())));
      f.entryPoint().getConstructor();
    }
  }

  @Test
  void triggersAreMessagePublishedWithRetries() {
    assertTrue(terraform.contains("\"" + DeploymentContract.EVENT_TYPE + "\""));
    assertTrue(terraform.contains("\"" + DeploymentContract.RETRY_POLICY + "\""));
    assertTrue(terraform.contains("\"" + DeploymentContract.RUNTIME + "\""));
  }

  @Test
  void everyTopicIsDeclared() {
    for (String topic : DeploymentContract.TOPICS) {
      assertTrue(terraform.contains("\"" + topic + "\""), "topic " + topic);
    }
  }

  @Test
  void everyDeployedVariableIsSetAndNoLocalOneIs() {
    Map<String, String> env = blocks.stream()
        .filter(b -> b.keySet().stream().anyMatch(k -> k.startsWith("CANARYRUN_")))
        .findFirst().orElseThrow(() -> new AssertionError("no environment_variables map"));
    for (String v : Env.DEPLOYED) {
      assertTrue(env.containsKey(v), "Terraform does not set " + v);
    }
    for (String v : env.keySet()) {
      assertTrue(Env.DEPLOYED.contains(v), "Terraform sets " + v + ", unknown to Env");
    }
    for (String v : Env.LOCAL_ONLY) {
      assertFalse(terraform.contains(v), v + " is for tests and the demo only");
    }
  }

  @Test
  void contractDocumentAgreesWithTheCode() throws IOException {
    String contract = Files.readString(ROOT.resolve("docs/CONTRACT.md"));
    for (DeploymentContract.Function f : DeploymentContract.FUNCTIONS) {
      Pattern row = Pattern.compile("\\|\\s*" + Pattern.quote(f.name()) + "\\s*\\|\\s*"
          + Pattern.quote(f.entryPointName()) + "\\s*\\|\\s*" + Pattern.quote(f.topic())
          + "\\s*\\|");
      assertTrue(row.matcher(contract).find(), "CONTRACT.md row for " + f.name());
    }
    for (String v : Env.DEPLOYED) {
      assertTrue(contract.contains("| " + v), "CONTRACT.md documents " + v);
    }
    for (String v : Env.LOCAL_ONLY) {
      assertTrue(contract.contains(v), "CONTRACT.md documents " + v);
    }
    assertTrue(contract.contains(DeploymentContract.JAR));
  }

  private static String stripComments(String hcl) {
    return hcl.lines().map(l -> {
      // Comments outside strings only; the contract values never contain '#'.
      int hash = l.indexOf('#');
      int slashes = l.indexOf("//");
      int cut = hash < 0 ? slashes : slashes < 0 ? hash : Math.min(hash, slashes);
      return cut >= 0 && !inString(l, cut) ? l.substring(0, cut) : l;
    }).collect(Collectors.joining("\n")).replaceAll("(?s)/\\*.*?\\*/", "");
  }

  private static boolean inString(String line, int index) {
    int quotes = 0;
    for (int i = 0; i < index; i++) {
      if (line.charAt(i) == '"') {
        quotes++;
      }
    }
    return quotes % 2 == 1;
  }

  /** Every brace block without nested braces, as its {@code key = "value"} assignments. */
  private static List<Map<String, String>> innermostBlocks(String hcl) {
    List<Map<String, String>> out = new ArrayList<>();
    Matcher block = Pattern.compile("\\{([^{}]*)}").matcher(hcl);
    Pattern assignment = Pattern.compile("(?m)^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.+?)\\s*$");
    while (block.find()) {
      Map<String, String> values = new HashMap<>();
      Matcher a = assignment.matcher(block.group(1));
      while (a.find()) {
        String v = a.group(2);
        values.put(a.group(1), v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2
            ? v.substring(1, v.length() - 1) : v);
      }
      out.add(values);
    }
    return out;
  }
}

package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.gcp.run.CloudRunClients.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Holds the functions' Terraform timeout and the Cloud Run router's waits together: a router
 * that waits longer than its invocation is killed mid-call by Cloud Functions, silently, and
 * the "record the intent, let the next event confirm" path never runs.
 */
class TimeoutAgreementTest {
  private static final Path TERRAFORM = Path.of(System.getProperty("user.dir")).getParent()
      .resolve("terraform");

  @Test
  void theRouterNeverOutlivesTheFunctionAtTheDefaultOrTheSmallestAllowedTimeout()
      throws IOException {
    String variables = Files.readString(TERRAFORM.resolve("variables.tf"));
    long byDefault = number(variables, "timeout_seconds\\s*=\\s*optional\\(number,\\s*(\\d+)\\)");
    long smallest = number(variables, "timeout_seconds\\s*>=\\s*(\\d+)");

    assertEquals(Env.DEFAULT_FUNCTION_TIMEOUT_SECONDS, byDefault,
        "the functions' fallback is Terraform's default");
    for (long seconds : new long[] {smallest, byDefault, 540}) {
      Duration timeout = Duration.ofSeconds(seconds);
      Limits limits = Limits.forFunctionTimeout(timeout);
      assertTrue(limits.worstCaseRouterCall().compareTo(timeout) < 0, "timeout " + timeout
          + ": one router call may take " + limits.worstCaseRouterCall());
    }
    assertTrue(Limits.defaults().worstCaseRouterCall().compareTo(Duration.ofSeconds(byDefault))
        < 0);
  }

  @Test
  void terraformPassesTheTimeoutToTheFunctions() throws IOException {
    String main = Files.readString(TERRAFORM.resolve("main.tf"));
    assertTrue(Pattern.compile(Env.FUNCTION_TIMEOUT_SECONDS
        + "\\s*=\\s*tostring\\(var\\.function_settings\\.timeout_seconds\\)").matcher(main).find());
    assertEquals(Duration.ofSeconds(300), FunctionConfig.from(Map.of(Env.PROJECT, "p",
        Env.REGION, "europe-west1", Env.FUNCTION_TIMEOUT_SECONDS, "300")).functionTimeout());
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no match for " + regex);
    return Long.parseLong(m.group(1));
  }
}

package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.gcp.run.CloudRunClients.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

  /**
   * The invocation's one deadline (router waits, store calls, smoke check, Monitoring reads):
   * what is in flight at the deadline ends within the reserve, so the invocation ends inside
   * the Terraform timeout; and the work an event usually does still fits before it.
   */
  @Test
  void theInvocationsDeadlineEndsItInsideTheTerraformTimeout() throws IOException {
    String variables = Files.readString(TERRAFORM.resolve("variables.tf"));
    long byDefault = number(variables, "timeout_seconds\\s*=\\s*optional\\(number,\\s*(\\d+)\\)");
    long smallest = number(variables, "timeout_seconds\\s*>=\\s*(\\d+)");
    long largest = number(variables, "timeout_seconds\\s*<=\\s*(\\d+)");
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    for (long seconds : new long[] {smallest, byDefault, largest}) {
      Duration timeout = Duration.ofSeconds(seconds);
      Limits limits = Limits.forFunctionTimeout(timeout);
      InvocationBudget budget = InvocationBudget.of(timeout, limits);
      Instant deadline = budget.deadline(start);
      assertTrue(deadline.plus(budget.reserve()).compareTo(start.plus(timeout)) <= 0,
          timeout + ": deadline " + deadline + " + reserve " + budget.reserve());
      // The reserve covers a Cloud Run RPC in flight at the deadline (the router checks the
      // deadline before each one it starts) and one Monitoring or Pub/Sub call beside it.
      assertTrue(budget.reserve().compareTo(limits.worstCaseRpc().multipliedBy(2)) >= 0);
      // A router call's own wait, and the default smoke check (3 attempts of 5 s, 1 s and 2 s
      // pauses), fit before the deadline: the deadline cuts slow cases, not every case.
      assertTrue(limits.operationTimeout().compareTo(budget.working()) < 0, timeout.toString());
      assertTrue(Duration.ofSeconds(18).plus(limits.operationTimeout())
          .compareTo(budget.working()) < 0, timeout + ": deploy wait + smoke check");
    }
    // The functions build the budget from the timeout Terraform passes them.
    Controller c = Controller.fromEnvironment(Map.of(Env.PROJECT, "p", Env.REGION,
        "europe-west1", Env.FUNCTION_TIMEOUT_SECONDS, String.valueOf(smallest),
        "FIRESTORE_EMULATOR_HOST", "127.0.0.1:9", "PUBSUB_EMULATOR_HOST", "127.0.0.1:9",
        "CANARYRUN_RUN_ENDPOINT", "127.0.0.1:9", "CANARYRUN_MONITORING_ENDPOINT", "127.0.0.1:9"),
        java.time.Clock.systemUTC());
    try {
      assertEquals(Duration.ofSeconds(smallest), c.budget().orElseThrow().timeout());
    } finally {
      c.close();
    }
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

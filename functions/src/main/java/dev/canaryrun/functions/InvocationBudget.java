package dev.canaryrun.functions;

import dev.canaryrun.gcp.run.CloudRunClients.Limits;
import dev.canaryrun.port.InvocationDeadline;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The time one function invocation has: the functions' timeout as Terraform sets it
 * ({@code CANARYRUN_FUNCTION_TIMEOUT_SECONDS}), less a reserve for the calls that may already
 * be in flight when the deadline comes and cannot be cut short. Every wait in the invocation
 * stops at {@link #deadline} ({@link InvocationDeadline}); what is in flight then ends within
 * the reserve, so the invocation ends inside its timeout (TimeoutAgreementTest).
 *
 * @param reserve two Cloud Run RPCs with their retries: the router checks the deadline
 *     before each RPC it starts, so one may be in flight on each thread, and one Monitoring
 *     or Pub/Sub call of the same client settings alongside it. Firestore calls and smoke-check
 *     attempts are bounded by the deadline itself and need none.
 */
public record InvocationBudget(Duration timeout, Duration reserve) {
  public InvocationBudget {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(reserve, "reserve");
    InvocationDeadline.of(Instant.EPOCH, timeout, reserve); // refuses a reserve over half
  }

  /** The budget of a function with {@code timeout}, its Cloud Run clients set by {@code run}. */
  public static InvocationBudget of(Duration timeout, Limits run) {
    return new InvocationBudget(timeout, run.worstCaseRpc().multipliedBy(2));
  }

  /** When an invocation that started at {@code start} stops waiting. */
  public Instant deadline(Instant start) {
    return InvocationDeadline.of(start, timeout, reserve);
  }

  /** What the invocation may spend waiting. */
  public Duration working() {
    return timeout.minus(reserve);
  }
}

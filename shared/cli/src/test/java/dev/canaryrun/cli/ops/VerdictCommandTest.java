package dev.canaryrun.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.Firestore;
import dev.canaryrun.cli.ops.CliRunner.Result;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.judge.JudgeState;
import dev.canaryrun.judge.Judgement;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.judge.Verdict;
import dev.canaryrun.policy.ControlMode;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.port.SaveOutcome;
import dev.canaryrun.port.SaveResult;
import dev.canaryrun.rollout.Decision;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutEvent;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import dev.canaryrun.rollout.RolloutMachine;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code canaryrun verdict} on the Firestore emulator: observe-only rollouts driven by the real
 * state machine and saved by the real store, while the CLI waits on them; its exit codes are
 * what a pipeline step acts on.
 */
@WithEmulators
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class VerdictCommandTest {
  private static final RolloutMachine MACHINE = new RolloutMachine();
  private final String service = "obs" + UUID.randomUUID().toString().substring(0, 6);
  private Firestore db;
  private FirestoreRolloutStore store;
  private CliRunner cli;

  @BeforeEach
  void start(EmulatorEnvironment env) throws Exception {
    db = FirestoreClients.create(env.projectId(), null, env.firestoreHost());
    store = new FirestoreRolloutStore(db, Clock.systemUTC());
    cli = new CliRunner(Map.of("FIRESTORE_EMULATOR_HOST", env.firestoreHost(),
        "CANARYRUN_PROJECT", env.projectId()), Files.createTempDirectory("cli-home"));
  }

  @AfterEach
  void stop() throws Exception {
    db.close();
  }

  /** An observe-only rollout of {@code revision}, located and judging: OBSERVING, no verdict. */
  private Rollout observing(String revision) {
    RolloutPolicy observe = RolloutPolicy.defaults().withMode(ControlMode.OBSERVE);
    Instant now = Instant.now();
    Decision started = MACHINE.start(new BuildSucceeded("b-" + revision, now, service,
        "europe-west1", "europe-docker.pkg.dev/p/app/" + service + ":v2", "build-" + revision,
        revision), observe, now);
    Rollout r = save(started.next(), "e-start-" + revision);
    return apply(r, new RolloutEvent.DeployCompleted("e-dep-" + revision, now, service + "-001",
        null));
  }

  /** A tick that judged {@code outcome} at the pipeline's 10%. */
  private Rollout judged(Rollout r, Outcome outcome) {
    JudgeState before = r.judge();
    Judgement j = new Judgement(Verdict.of(outcome, outcome + " by the test"),
        new JudgeState(before.consumedUntil().plusSeconds(60), before.values()));
    return apply(r, new RolloutEvent.Tick("e-tick-" + UUID.randomUUID(), Instant.now(), null, j,
        null, 10));
  }

  private Rollout apply(Rollout r, RolloutEvent e) {
    Decision d = MACHINE.decide(r, e, Instant.now());
    assertTrue(d.saves(), d.toString());
    return save(d.next(), e.eventId(), d, r.version());
  }

  private Rollout save(Rollout next, String eventId) {
    return stored(store.save(next, 0, eventId, java.util.List.of()));
  }

  private Rollout save(Rollout next, String eventId, Decision d, long version) {
    return stored(store.save(next, version, eventId, d.audit()));
  }

  private static Rollout stored(SaveOutcome o) {
    assertEquals(SaveResult.SAVED, o.result());
    return o.stored();
  }

  @Test
  void waitsForThePassAndExitsZero() throws Exception {
    String revision = service + "-00002-a1b";
    Rollout r = observing(revision);
    Result pending = cli.run("verdict", service, "--revision", revision);
    assertEquals(VerdictCommand.UNDECIDED, pending.code(), pending.toString());
    assertTrue(pending.out().startsWith("PENDING"), pending.toString());

    CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
      sleep(1500);
      judged(r, Outcome.PASS);
    });
    long started = System.nanoTime();
    Result passed = cli.run("verdict", service, "--revision", revision, "--wait",
        "--interval", "200ms", "--timeout", "30s");
    later.get(10, TimeUnit.SECONDS);
    assertEquals(0, passed.code(), passed.toString());
    assertTrue(passed.out().startsWith("PASS  " + revision), passed.toString());
    assertTrue(passed.out().contains("at 10% (observe-only)"), passed.toString());
    assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(1400),
        "it waited for the verdict");
  }

  @Test
  void aFailExitsOneAndJsonSaysSo() throws Exception {
    String revision = service + "-00003-c2d";
    judged(observing(revision), Outcome.FAIL);
    Result failed = cli.run("verdict", service, "--revision", revision, "--wait",
        "--output", "json");
    assertEquals(1, failed.code(), failed.toString());
    assertTrue(failed.out().contains("\"answer\" : \"FAIL\"")
        || failed.out().contains("\"answer\":\"FAIL\""), failed.toString());
    assertTrue(failed.out().contains("OBSERVED"), failed.toString());
  }

  @Test
  void givesUpAfterTheTimeoutWithExitThree() throws Exception {
    String revision = service + "-00004-e3f";
    observing(revision);
    Result gaveUp = cli.run("verdict", service, "--revision", revision, "--wait",
        "--interval", "200ms", "--timeout", "1s");
    assertEquals(VerdictCommand.UNDECIDED, gaveUp.code(), gaveUp.toString());
    assertTrue(gaveUp.out().startsWith("UNDECIDED"), gaveUp.toString());
    assertTrue(gaveUp.out().contains("gave up after 1 s"), gaveUp.toString());
  }

  @Test
  void waitsForARolloutThatDoesNotExistYetAndNamesBadInput() throws Exception {
    String revision = service + "-00005-g4h";
    observing(service + "-00001-zzz"); // the service is known; this revision's rollout is not
    Result none = cli.run("verdict", service, "--revision", revision, "--wait",
        "--interval", "200ms", "--timeout", "1s");
    assertEquals(VerdictCommand.UNDECIDED, none.code(), none.toString());
    assertTrue(none.out().contains("no rollout of " + revision + " yet"), none.toString());

    Result foreign = cli.run("verdict", service, "--revision", "billing-00001-abc");
    assertEquals(CanaryrunCli.USAGE, foreign.code(), foreign.toString());
    assertTrue(foreign.err().contains("is not a revision of " + service), foreign.toString());

    Result unknown = cli.run("verdict", "no-such-service");
    assertEquals(CanaryrunCli.FAILED, unknown.code(), unknown.toString());
    assertTrue(unknown.err().contains("unknown service 'no-such-service'"), unknown.toString());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

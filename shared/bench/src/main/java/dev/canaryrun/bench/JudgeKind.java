package dev.canaryrun.bench;

import dev.canaryrun.judge.CanaryJudge;
import dev.canaryrun.judge.SequentialJudge;
import java.time.Instant;
import java.util.Locale;

/** The judges the bench can run side by side. */
public enum JudgeKind {
  CANARYRUN, THRESHOLD, ORACLE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JudgeKind parse(String s) {
    for (JudgeKind k : values()) {
      if (k.label().equals(s.strip().toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown judge '" + s + "' (known: canaryrun, threshold, "
        + "oracle)");
  }

  CanaryJudge create(Scenario sc, Instant canaryStart) {
    return switch (this) {
      case CANARYRUN -> new SequentialJudge();
      case THRESHOLD -> new ThresholdJudge();
      case ORACLE -> new OracleJudge(sc, canaryStart);
    };
  }
}

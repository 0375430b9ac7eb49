package dev.canaryrun.functions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The function's environment: the process's environment variables, where a Java system
 * property of the same name (one of {@link Env}'s) overrides the variable. A deployed function
 * has only variables; the system properties are for running the functions inside a JVM that
 * already exists (the end-to-end harness and benchmark run the invoker in the test JVM, whose
 * environment cannot be changed).
 */
public final class FunctionEnvironment {
  private static final List<String> NAMES = Stream.concat(Env.DEPLOYED.stream(),
      Env.LOCAL_ONLY.stream()).toList();

  private FunctionEnvironment() {}

  public static Map<String, String> read() {
    Map<String, String> env = new HashMap<>(System.getenv());
    for (String name : NAMES) {
      String property = System.getProperty(name);
      if (property != null) {
        env.put(name, property);
      }
    }
    return env;
  }

  /** Sets the overrides (tests, benchmarks): the next controller built reads them. */
  public static void override(Map<String, String> values) {
    values.forEach(System::setProperty);
  }

  /** Removes every override. */
  public static void clearOverrides() {
    NAMES.forEach(System::clearProperty);
  }
}

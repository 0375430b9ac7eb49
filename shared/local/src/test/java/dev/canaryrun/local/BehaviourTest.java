package dev.canaryrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BehaviourTest {

  @ParameterizedTest
  @CsvSource({
      "localhost/demo/checkout:v3-err0.05-lat120ms, 0.05, 120, 0.25, 0.30, 0.40",
      "localhost/demo/checkout:v3-err5pct-lat80-sigma0.5, 0.05, 80, 0.5, 0.30, 0.40",
      "localhost:5000/demo/checkout:v4-cpu0.97-mem0.5@sha256:abcd, 0, 0, 0.25, 0.97, 0.5",
      "localhost:5000/demo/checkout, 0, 0, 0.25, 0.30, 0.40",
      "europe-docker.pkg.dev/p/r/checkout@sha256:abcd, 0, 0, 0.25, 0.30, 0.40",
      "localhost/demo/checkout:latest, 0, 0, 0.25, 0.30, 0.40",
  })
  void imageTagEncodesBehaviour(String image, double err, double lat, double sigma, double cpu,
      double mem) {
    assertEquals(new Behaviour(err, lat, sigma, cpu, mem), Behaviour.fromImage(image));
  }

  @ParameterizedTest
  @CsvSource({"localhost/demo/x:v1-err1.5", "localhost/demo/x:v1-cpu2"})
  void outOfRangeValuesAreRejected(String image) {
    assertThrows(IllegalArgumentException.class, () -> Behaviour.fromImage(image));
  }
}

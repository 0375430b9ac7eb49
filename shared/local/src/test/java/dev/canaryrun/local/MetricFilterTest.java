package dev.canaryrun.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricFilterTest {

  static final Map<String, String> FIELDS = Map.of(
      "metric.type", "run.googleapis.com/request_count",
      "resource.type", "cloud_run_revision",
      "resource.labels.service_name", "checkout",
      "resource.labels.revision_name", "checkout-00002-abc",
      "metric.labels.response_code_class", "5xx");

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "resource.labels.service_name = \"checkout\"|true",
      "resource.label.service_name = 'checkout'|true",
      "resource.labels.service_name = checkout|true",
      "resource.labels.service_name != \"checkout\"|false",
      "resource.labels.service_name = one_of(\"a\", \"checkout\")|true",
      "resource.labels.revision_name = starts_with(\"checkout-0000\")|true",
      "resource.labels.revision_name = ends_with(\"-xyz\")|false",
      "metric.labels.response_code_class = has_substring(\"5\")|true",
      "metric.label.response_code = \"500\"|false",
  })
  void clausesMatch(String clause, boolean expected) {
    MetricFilter f = MetricFilter.parse("metric.type = \"run.googleapis.com/request_count\" "
        + "AND resource.type = \"cloud_run_revision\" AND " + clause);
    assertEquals("run.googleapis.com/request_count", f.metricType());
    assertEquals(expected, f.matches(FIELDS));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "metric.type = \"a\" OR metric.type = \"b\"|OR",
      "NOT metric.type = \"a\"|NOT",
      "metric.type = \"a\" AND resource.labels.x : \"b\"|':'",
      "metric.type = \"a\" AND resource.labels.x = regex(\"b\")|regex",
      "metric.type = \"a\" AND metadata.user_labels.x = \"b\"|metadata.user_labels.x",
      "resource.type = \"cloud_run_revision\"|metric type",
      "metric.type = starts_with(\"run.\")|exactly one metric type",
  })
  void unsupportedSyntaxIsNamed(String filter, String named) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> MetricFilter.parse(filter));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains(named), e.getStatus().getDescription());
  }

  @Test
  void missingFieldDoesNotMatch() {
    assertFalse(MetricFilter.parse("metric.type = \"x\" AND metric.labels.nope = \"1\"")
        .matches(Map.of("metric.type", "x")));
  }
}

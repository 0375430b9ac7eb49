package dev.canaryrun.gcp.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canaryrun.service.DecisionLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class CloudLoggingFormatterTest {
  private final CloudLoggingFormatter formatter = new CloudLoggingFormatter();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void decisionRecordBecomesOneJsonLineWithFieldsAndLabels() throws Exception {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("rolloutId", "checkout-9f3c2b1a");
    fields.put("service", "checkout");
    fields.put("eventId", "tick:7");
    fields.put("trafficAfter", 20);
    fields.put("evidence", "canary 3/1200 errors vs stable 2/22800\nE=1.4");
    fields.put("at", Instant.parse("2025-03-14T09:15:00Z"));
    fields.put("severity", "spoofed");
    LogRecord r = new LogRecord(Level.INFO, "advanced to step 2: 20%");
    r.setLoggerName(DecisionLog.LOGGER);
    r.setParameters(new Object[] {fields});
    r.setInstant(Instant.parse("2025-03-14T09:15:01.5Z"));
    String line = formatter.format(r);

    assertTrue(line.endsWith(System.lineSeparator()));
    assertEquals(1, line.strip().lines().count(), "exactly one line: " + line);
    JsonNode j = json.readTree(line);
    assertEquals("INFO", j.get("severity").asText());
    assertEquals("advanced to step 2: 20%", j.get("message").asText());
    assertEquals("2025-03-14T09:15:01.500Z", j.get("time").asText());
    assertEquals("checkout-9f3c2b1a", j.get("rolloutId").asText());
    assertEquals(20, j.get("trafficAfter").asInt());
    assertEquals("2025-03-14T09:15:00Z", j.get("at").asText());
    JsonNode labels = j.get("logging.googleapis.com/labels");
    assertEquals("checkout", labels.get("service").asText());
    assertEquals("tick:7", labels.get("eventId").asText());
    assertFalse(labels.has("trafficAfter"));
  }

  @Test
  void aValueJacksonCannotWriteNestedInAFieldIsLoggedAsTextInsteadOfThrowing() throws Exception {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("rolloutId", "checkout-9f3c2b1a");
    fields.put("details", Map.of("at", Instant.parse("2025-03-14T09:15:00Z")));
    LogRecord r = new LogRecord(Level.INFO, "paused");
    r.setLoggerName(DecisionLog.LOGGER);
    r.setParameters(new Object[] {fields});
    JsonNode j = json.readTree(formatter.format(r));
    assertEquals("paused", j.get("message").asText());
    assertEquals("checkout-9f3c2b1a", j.get("rolloutId").asText());
    assertTrue(j.get("details").asText().contains("2025-03-14T09:15:00Z"), j.toString());
  }

  @Test
  void severitiesAreCloudLoggingNames() {
    assertEquals("ERROR", CloudLoggingFormatter.severity(Level.SEVERE));
    assertEquals("WARNING", CloudLoggingFormatter.severity(Level.WARNING));
    assertEquals("INFO", CloudLoggingFormatter.severity(Level.INFO));
    assertEquals("DEBUG", CloudLoggingFormatter.severity(Level.FINE));
  }

  @Test
  void stackTraceGoesIntoTheMessageForErrorReporting() throws Exception {
    LogRecord r = new LogRecord(Level.SEVERE, "traffic change refused");
    r.setLoggerName("dev.canaryrun");
    r.setParameters(new Object[] {Map.of("rolloutId", "r-1")});
    r.setThrown(new IllegalStateException("PERMISSION_DENIED"));
    JsonNode j = json.readTree(formatter.format(r));
    assertEquals("ERROR", j.get("severity").asText());
    assertTrue(j.get("message").asText().contains("java.lang.IllegalStateException: "
        + "PERMISSION_DENIED\n\tat "));
  }

  @Test
  void ordinaryRecordsKeepTheirFormattedMessage() throws Exception {
    LogRecord r = new LogRecord(Level.WARNING, "retrying {0} in {1} ms");
    r.setLoggerName("dev.canaryrun.gcp.run.CloudRunTrafficRouter");
    r.setParameters(new Object[] {"UpdateService", 200});
    JsonNode j = json.readTree(formatter.format(r));
    assertEquals("retrying UpdateService in 200 ms", j.get("message").asText());
    assertFalse(j.has("logging.googleapis.com/labels"));
  }

  @Test
  void installedHandlerWritesDecisionLogLinesAndFlushesEach() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Handler h = JsonLogging.install(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      DecisionLog.warn("stale event dropped", "eventId", "tick:1", "ageSeconds", 7200);
      DecisionLog.info("second", "rolloutId", "x", "ignored", null);
      List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
      assertEquals(2, lines.size());
      JsonNode first = json.readTree(lines.get(0));
      assertEquals("WARNING", first.get("severity").asText());
      assertEquals(7200, first.get("ageSeconds").asInt());
      assertFalse(json.readTree(lines.get(1)).has("ignored"));
    } finally {
      Logger.getLogger(JsonLogging.LOGGER).removeHandler(h);
      Logger.getLogger(JsonLogging.LOGGER).setUseParentHandlers(true);
    }
  }
}

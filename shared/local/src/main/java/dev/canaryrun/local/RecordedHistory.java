package dev.canaryrun.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * A recorded Cloud Run metric history: per minute and revision what it served, in a small text
 * form (gzip optional) that {@link LocalMonitoring#load} turns into samples, so a test can ask
 * the local Monitoring for weeks of data through the real client.
 *
 * <pre>
 * # comment lines start with '#'; one line per revision and minute with traffic:
 * # minute_end,location,service,revision,2xx,3xx,4xx,5xx,latency,cpu,memory
 * 2026-11-16T09:01:00Z,europe-west1,checkout,checkout-00041-hoj,52,0,1,0,23:5 31:20 44:28,0.21,0.40
 * </pre>
 *
 * {@code latency} is space-separated {@code ms:count} pairs summing to the minute's requests
 * (the 5xx taken from the first pairs, then 4xx, 3xx, the rest 2xx: the latency distribution is
 * per revision, not per class, as the judge reads it); {@code cpu} and {@code memory} are
 * utilisations 0..1, or empty. A minute without a line has no point, as in Cloud Monitoring.
 */
public record RecordedHistory(List<RequestBatch> batches, List<UtilisationRecord> utilisations) {

  public RecordedHistory {
    batches = List.copyOf(batches);
    utilisations = List.copyOf(utilisations);
  }

  /** Reads a history; {@code name} ending in {@code .gz} is gunzipped. Lines name the problem. */
  public static RecordedHistory read(InputStream in, String name, String project) {
    Objects.requireNonNull(in, "no history " + name);
    List<RequestBatch> batches = new ArrayList<>();
    List<UtilisationRecord> util = new ArrayList<>();
    try (InputStream raw = name.endsWith(".gz") ? new GZIPInputStream(in) : in;
        BufferedReader r = new BufferedReader(new InputStreamReader(raw,
            StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        try {
          parse(line, project, batches, util);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(name + " line " + n + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read history " + name, e);
    }
    return new RecordedHistory(batches, util);
  }

  private static void parse(String line, String project, List<RequestBatch> batches,
      List<UtilisationRecord> util) {
    String[] f = line.split(",", -1);
    if (f.length != 11) {
      throw new IllegalArgumentException("expected 11 comma-separated fields, got " + f.length);
    }
    Instant end;
    try {
      end = Instant.parse(f[0]);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("minute_end '" + f[0] + "' is not an RFC 3339 time");
    }
    if (end.getEpochSecond() % 60 != 0 || end.getNano() != 0) {
      throw new IllegalArgumentException("minute_end " + end + " is not on a minute");
    }
    RevisionKey key = new RevisionKey(project, f[1], f[2], f[3]);
    // Inside the minute (end - 60 s, end], where Cloud Run's point for it would count it.
    Instant at = end.minusSeconds(30);
    long[] classes = {Long.parseLong(f[7]), Long.parseLong(f[6]), Long.parseLong(f[5]),
        Long.parseLong(f[4])};
    int[] status = {500, 404, 302, 200};
    long total = classes[0] + classes[1] + classes[2] + classes[3];
    long timed = 0;
    int cls = 0;
    for (String pair : f[8].isBlank() ? new String[0] : f[8].trim().split(" +")) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("latency pair '" + pair + "' is not ms:count");
      }
      double ms = Double.parseDouble(pair.substring(0, colon));
      long left = Long.parseLong(pair.substring(colon + 1));
      timed += left;
      // Hand this latency's requests to the classes in order (see the class comment).
      while (left > 0) {
        while (cls < 4 && classes[cls] == 0) {
          cls++;
        }
        if (cls == 4) {
          throw new IllegalArgumentException("latency counts add up to more than the " + total
              + " requests of the line");
        }
        long take = Math.min(left, classes[cls]);
        batches.add(new RequestBatch(key, status[cls], ms, take, at));
        classes[cls] -= take;
        left -= take;
      }
    }
    if (timed != total) {
      throw new IllegalArgumentException("latency counts add up to " + timed + ", not the "
          + total + " requests of the line");
    }
    if (!f[9].isBlank() || !f[10].isBlank()) {
      util.add(new UtilisationRecord(key, f[9].isBlank() ? 0 : Double.parseDouble(f[9]),
          f[10].isBlank() ? 0 : Double.parseDouble(f[10]), at));
    }
  }
}

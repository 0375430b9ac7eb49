package dev.canaryrun.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseScheduleTest {
  private static final String BERLIN_WEEKDAYS = """
      {"schedule": {"windows": [{"days": ["mon", "tue", "wed", "thu", "fri", "sun"],
        "from": "09:00", "to": "16:00", "timeZone": "Europe/Berlin"}],
        "freezes": [{"from": "2026-12-20T00:00:00Z", "to": "2027-01-04T00:00:00Z",
          "reason": "year-end freeze"}]}}
      """;
  private final ReleaseSchedule s = PolicyJson.parse(BERLIN_WEEKDAYS).schedule();

  @Test
  void hoursAreLocalToTheZoneOnBothSidesOfADaylightSavingChange() {
    // Sunday 2026-03-29 02:00 CET -> 03:00 CEST. Saturday is not in the window's days.
    assertFalse(s.openAt(Instant.parse("2026-03-28T08:30:00Z")), "a Saturday");
    assertTrue(s.openAt(Instant.parse("2026-03-27T08:30:00Z")), "Friday 09:30 CET");
    assertFalse(s.openAt(Instant.parse("2026-03-27T07:30:00Z")), "Friday 08:30 CET");
    assertTrue(s.openAt(Instant.parse("2026-03-29T07:30:00Z")), "Sunday 09:30 CEST");
    assertFalse(s.openAt(Instant.parse("2026-03-29T14:00:00Z")), "Sunday 16:00 CEST: closed");
    assertTrue(s.openAt(Instant.parse("2026-03-27T14:59:00Z")), "Friday 15:59 CET");
  }

  @Test
  void theNextOpeningIsAWindowsStartOrAFreezesEndInTheZonesTime() {
    // Friday 17:00 CET -> Sunday 09:00 CEST (DST began that night): 07:00Z.
    assertEquals(Instant.parse("2026-03-29T07:00:00Z"),
        s.nextOpening(Instant.parse("2026-03-27T16:00:00Z")).orElseThrow());
    // In the freeze: its end (Monday 2027-01-04 00:00Z is 01:00 Berlin), then 09:00 Berlin.
    assertEquals(Instant.parse("2027-01-04T08:00:00Z"),
        s.nextOpening(Instant.parse("2026-12-22T10:00:00Z")).orElseThrow());
    String why = s.closedAt(Instant.parse("2026-12-22T10:00:00Z")).orElseThrow();
    assertTrue(why.contains("year-end freeze") && why.contains("next opening 2027-01-04T08:00:00Z"),
        why);
    assertTrue(s.closedAt(Instant.parse("2026-03-27T08:30:00Z")).isEmpty());
  }

  @Test
  void noScheduleIsAlwaysOpenAndRoundTripsAsAbsent() {
    assertTrue(RolloutPolicy.defaults().schedule().openAt(Instant.EPOCH));
    assertFalse(PolicyJson.write(RolloutPolicy.defaults()).contains("schedule"));
    // What the Terraform module writes for a service without one.
    assertEquals(RolloutPolicy.defaults(), PolicyJson.parse(
        "{\"schedule\": {\"windows\": [], \"freezes\": []}}"));
    RolloutPolicy p = PolicyJson.parse(BERLIN_WEEKDAYS);
    assertEquals(p, PolicyJson.parse(PolicyJson.write(p)), "the snapshot keeps the schedule");
  }

  @Test
  void badSchedulesAreRefusedNamingEveryProblem() {
    InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> PolicyJson.parse(
        """
        {"schedule": {"windows": [{"days": ["monday"], "from": "9am", "to": "16:00",
            "timeZone": "Mars/Olympus"}, {"from": "18:00", "to": "06:00"}],
          "freezes": [{"from": "2027-01-04T00:00:00Z", "to": "2026-12-20T00:00:00Z",
            "reason": ""}], "holidays": []}}
        """));
    List<String> p = e.problems();
    for (String says : List.of("schedule.windows[0].days: 'monday'",
        "schedule.windows[0].from: '9am'", "schedule.windows[0].timeZone: 'Mars/Olympus'",
        "schedule.windows[1]: from 18:00 must be before to 06:00",
        "schedule.freezes[0]: from 2027-01-04T00:00:00Z must be before",
        "schedule.freezes[0].reason", "schedule.holidays: unknown field")) {
      assertTrue(p.stream().anyMatch(x -> x.startsWith(says)), () -> says + " in " + p);
    }
  }
}

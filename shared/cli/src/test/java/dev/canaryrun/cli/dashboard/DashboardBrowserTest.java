package dev.canaryrun.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.Firestore;
import dev.canaryrun.cli.SlowRollouts;
import dev.canaryrun.cli.demo.Demo;
import dev.canaryrun.cli.demo.DemoOptions;
import dev.canaryrun.cli.demo.DemoReport;
import dev.canaryrun.cli.demo.DemoScenario;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestoreRolloutHistory;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium, on the state {@code ./canaryrun demo --keep}
 * leaves (the Firestore and Pub/Sub emulators, local Cloud Run and Monitoring, the four real
 * functions): v2 promoted, v3 rolled back by the judge; then a slow rollout of the test's own,
 * watched live and paused with the page's button.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
  private static final String SERVICE = "checkout";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private ChromeDriver browser;
  private Demo demo;
  private String base;
  private Firestore db;
  private FirestoreRolloutStore store;
  private Map<String, String> env;
  private String judged;
  private String slow;

  @BeforeAll
  void startTheDemoAndABrowser() throws Exception {
    browser = Browser.start();
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String scenario;
    try (InputStream in = getClass().getResourceAsStream("/cli-scenario.json")) {
      scenario = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    demo = new Demo(new DemoOptions(200, null, Path.of("target", "dashboard-test"), false, true,
        out), DemoScenario.parse(scenario, "cli-scenario.json"));
    DemoReport report = demo.run();
    assertTrue(report.ok(), report::failure);
    env = demo.exports().env();
    assertTrue(demo.exports().dashboard() != null, "--keep starts the dashboard");
    base = demo.exports().dashboard().toString().replaceAll("/$", "");
    db = FirestoreClients.create(env.get("CANARYRUN_PROJECT"), null,
        env.get("FIRESTORE_EMULATOR_HOST"));
    store = new FirestoreRolloutStore(db, Clock.systemUTC());
    judged = new FirestoreRolloutHistory(db).ofService(SERVICE, 5).stream()
        .filter(r -> r.state() == RolloutState.ROLLED_BACK).findFirst().orElseThrow().id();
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (db != null) {
      db.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  private WebDriverWait waiting() {
    // The pages redraw what changed by replacing elements: one found may go stale at once.
    return (WebDriverWait) new WebDriverWait(browser, WAIT)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  @Test
  @Order(1)
  void theServicesPageListsEveryReleaseWithItsOutcome() throws Exception {
    browser.get(base + "/");
    waiting().until(d -> d.findElements(By.cssSelector("#finished tbody tr")).size() == 2);
    List<WebElement> rows = browser.findElements(By.cssSelector("#finished tbody tr"));
    assertEquals(judged, rows.get(0).getAttribute("data-rollout"), "newest first");
    assertTrue(rows.get(0).getText().contains("ROLLED_BACK"), rows.get(0)::getText);
    assertTrue(rows.get(1).getText().contains("PROMOTED"), rows.get(1)::getText);
    assertEquals("No rollout in flight.", browser.findElement(By.id("current-note")).getText());
    waiting().until(d -> "live".equals(d.findElement(By.id("live")).getAttribute("data-state")));
    screenshot("dashboard-services.png");
  }

  @Test
  @Order(2)
  void theRolloutPageChartsOnePointPerJudgedTickWithTheThresholdDrawn() throws Exception {
    browser.get(base + "/rollouts/" + judged);
    waiting().until(d -> d.findElement(By.tagName("body")).getAttribute("data-draws") != null);
    int ticks = store.evidence(judged).size();
    assertTrue(ticks >= 1, "the judge saw at least one tick");
    WebElement harm = browser.findElement(By.id("chart-harm"));
    assertEquals(String.valueOf(ticks), harm.getAttribute("data-points"));
    assertEquals(1, harm.findElements(By.tagName("canvas")).size(), "uPlot drew it");
    assertTrue(harm.getText().contains("errors roll back at 105"), harm::getText);
    // Traffic: 0% at creation, each share Cloud Run confirmed, held to the end.
    List<AuditEntry> audit = store.audit(judged);
    long confirmed = audit.stream().filter(a -> a.eventType().equals("TrafficApplied")).count();
    int trafficPoints = Integer.parseInt(browser.findElement(By.id("chart-traffic"))
        .getAttribute("data-points"));
    assertTrue(trafficPoints == confirmed + 1 || trafficPoints == confirmed + 2,
        () -> trafficPoints + " traffic points for " + confirmed + " confirmed shares");
    Rollout r = store.find(judged).orElseThrow();
    long buckets = Long.parseLong(browser.findElement(By.id("chart-errors"))
        .getAttribute("data-points"));
    assertTrue(buckets >= Duration.between(r.createdAt(), r.updatedAt()).toSeconds(),
        () -> buckets + " one-second buckets for the rollout's life");
    assertTrue(browser.findElement(By.id("report")).getText()
        .contains("Rollback report for " + judged));
    assertEquals(audit.size(), browser.findElements(By.cssSelector("#audit li")).size());
    WebElement first = browser.findElement(By.cssSelector("#audit li details summary"));
    first.click();
    assertTrue(browser.findElement(By.cssSelector("#audit li details")).getAttribute("open")
        != null, "an audit entry opens to its evidence");
    screenshot("dashboard-rollout.png");
  }

  @Test
  @Order(3)
  void aNewRolloutAppearsOnTheOpenServicesPageWithoutAReload() throws Exception {
    browser.get(base + "/");
    waiting().until(d -> "live".equals(d.findElement(By.id("live")).getAttribute("data-state")));
    js("window.__sameDocument = 'yes'");
    slow = SlowRollouts.start(env, db, store, SERVICE,
        "localhost/demo/checkout:v6-err0.03-lat50ms-sigma0.5");
    waiting().until(d -> !d.findElements(By.cssSelector(
        "#current tbody tr[data-rollout='" + slow + "'][data-state='CANARY']")).isEmpty());
    assertEquals("yes", js("return window.__sameDocument"), "the page was not reloaded");
    String row = browser.findElement(By.cssSelector("#current tbody tr")).getText();
    assertTrue(row.contains("1 of 2") && row.contains("10%"), row);
  }

  @Test
  @Order(4)
  void thePauseButtonNeedsAReasonThenPausesThroughTheCommandPath() throws Exception {
    browser.get(base + "/rollouts/" + slow);
    waiting().until(d -> "CANARY".equals(d.findElement(By.id("state")).getText()));
    int auditBefore = store.audit(slow).size();
    WebElement pause = browser.findElement(By.cssSelector("button[data-command='pause']"));
    WebElement result = browser.findElement(By.id("command-result"));

    pause.click(); // no reason
    assertEquals("REFUSED", result.getAttribute("data-outcome"));
    assertTrue(result.getText().contains("a reason is required"), result::getText);
    assertEquals("true", browser.findElement(By.id("reason")).getAttribute("aria-invalid"));
    Thread.sleep(1000);
    assertEquals(RolloutState.CANARY, store.find(slow).orElseThrow().state());
    assertEquals(auditBefore, store.audit(slow).size(), "nothing was sent");

    browser.findElement(By.id("reason")).sendKeys("waiting for the payments team");
    pause.sendKeys(org.openqa.selenium.Keys.ENTER); // keyboard, not only the mouse
    waiting().until(d -> List.of("APPLIED", "DECIDED").contains(
        d.findElement(By.id("command-result")).getAttribute("data-outcome")));
    Rollout paused = store.find(slow).orElseThrow();
    assertEquals(RolloutState.PAUSED, paused.state(), "checked in Firestore");
    assertEquals("waiting for the payments team", paused.pause().reason());
    assertTrue(paused.pause().actor().endsWith("(unverified)"), paused.pause()::actor);
    waiting().until(d -> "PAUSED".equals(d.findElement(By.id("state")).getText()));
    assertTrue(browser.findElement(By.id("holds")).getText()
        .contains("waiting for the payments team"));

    // Resume, then resume again: the controller refuses the second, and the page says why.
    WebElement resume = browser.findElement(By.cssSelector("button[data-command='resume']"));
    browser.findElement(By.id("reason")).sendKeys("payments ready");
    resume.click();
    waiting().until(d -> "CANARY".equals(d.findElement(By.id("state")).getText()));
    browser.findElement(By.id("reason")).sendKeys("resume twice");
    resume.click();
    waiting().until(d -> "REJECTED".equals(
        d.findElement(By.id("command-result")).getAttribute("data-outcome")));
    assertTrue(result.getText().startsWith("Rejected: rejected resume"), result::getText);
    assertTrue(result.getText().contains("resume applies to a PAUSED rollout"), result::getText);
    assertEquals(RolloutState.CANARY, store.find(slow).orElseThrow().state());
  }

  /** The full page, for docs/ (copied there by hand after looking at it). */
  private void screenshot(String name) throws Exception {
    long height = (Long) js("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 40, 6000)));
    js("window.scrollTo(0, 0)");
    Thread.sleep(300);
    Files.write(Path.of("target", name), browser.getScreenshotAs(OutputType.BYTES));
    browser.manage().window().setSize(new Dimension(1280, 1000));
  }
}

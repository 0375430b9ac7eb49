package dev.canaryrun.cli.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by its chromedriver, as CI installs them
 * ({@code .ci/run}). Without them the browser tests are skipped, with the reason, unless
 * {@code CANARYRUN_REQUIRE_BROWSER} is set (CI sets it): then they fail, so a CI machine
 * without a browser can never pass them by skipping.
 */
final class Browser {
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CANARYRUN_CHROMIUM",
      "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CANARYRUN_CHROMEDRIVER",
      "/usr/bin/chromedriver"));

  private Browser() {}

  static ChromeDriver start() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String why = "no browser: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed (Debian: "
          + "apt-get install chromium chromium-driver)";
      if (System.getenv("CANARYRUN_REQUIRE_BROWSER") != null) {
        throw new IllegalStateException(why);
      }
      Assumptions.abort(why);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // As root in a sandboxless container, on a machine with no route out: no sandbox, and no
    // background connections to Google's hosts (refused here, and noise in the logs).
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000",
        "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return driver;
  }
}

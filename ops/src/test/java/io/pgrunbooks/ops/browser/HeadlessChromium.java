package io.pgrunbooks.ops.browser;

import io.pgrunbooks.ops.stack.MissingPrerequisiteException;
import io.pgrunbooks.ops.stack.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver for browser tests (the Temporal
 * UI and the approvals page). Both binaries come from {@code apt-get install -y chromium
 * chromium-driver}; a missing one is a loud failure naming that command, never a skip. Selenium
 * Manager is never asked to download anything: the driver and browser paths are given explicitly.
 * Screenshots land in {@code target/screenshots/} of the module running the test, kept as build
 * artifacts.
 */
public final class HeadlessChromium implements AutoCloseable {
  public static final String INSTALL = "apt-get install -y chromium chromium-driver";

  private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private final ChromeDriver driver;
  private final Path screenshots;

  private HeadlessChromium(ChromeDriver driver, Path screenshots) {
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /** Starts a headless browser with a 1400x1000 window; screenshots go to target/screenshots. */
  public static HeadlessChromium start() {
    String browser = find("chromium", "CHROMIUM_BIN", BROWSERS);
    String chromedriver = find("chromedriver", "CHROMEDRIVER_BIN", DRIVERS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser);
    options.addArguments("--headless=new", "--window-size=1400,1000", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--lang=en-US");
    if (Prerequisites.runningAsRoot()) {
      options.addArguments("--no-sandbox"); // Chromium refuses to start its sandbox as root
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return new HeadlessChromium(driver, Path.of("target", "screenshots"));
  }

  public WebDriver driver() {
    return driver;
  }

  /** Waits up to {@code timeout} until {@code condition} returns a non-null, non-false value. */
  public <T> T waitUntil(Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(200)).until(condition);
  }

  /** Saves a PNG of the current page as target/screenshots/{name}.png and returns its path. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(screenshots);
      Path file = screenshots.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save screenshot " + name, e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static String find(String binary, String overrideEnv, List<String> candidates) {
    String override = System.getenv(overrideEnv);
    if (override != null && !override.isBlank()) {
      if (Files.isExecutable(Path.of(override))) {
        return override;
      }
      throw new MissingPrerequisiteException(binary, INSTALL, "is not executable at " + overrideEnv + "=" + override);
    }
    Optional<String> found = candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst();
    return found.orElseThrow(() -> new MissingPrerequisiteException(binary, INSTALL,
        "was not found (looked in " + String.join(", ", candidates) + "; or set " + overrideEnv + ")"));
  }
}

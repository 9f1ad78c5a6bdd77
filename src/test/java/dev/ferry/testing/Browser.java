package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver (Selenium), for tests of the login
 * pages in a real browser. Both binaries are given to Selenium by path, so Selenium Manager never
 * runs and nothing is downloaded.
 *
 * <p>{@link #start} skips the calling test (a JUnit assumption naming the missing binary) when
 * Chromium or chromedriver is not installed, except under {@code CI=true}, where a missing browser
 * is a broken build and fails the test. {@code .ci/run} installs both. The paths can be moved with
 * {@code FERRY_CHROMIUM} and {@code FERRY_CHROMEDRIVER}.
 *
 * <p>{@link #screenshot} writes {@code docs/screenshots/<name>.png} (relative to the working
 * directory, the project root under Maven), where the docs show them.
 */
public final class Browser implements AutoCloseable {
  public static final Path SCREENSHOTS = Path.of("docs", "screenshots");

  /** How long a navigation or an element may take to appear. */
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** How the page is shown: a desktop window or an emulated phone (touch, viewport meta). */
  public enum Viewport {
    DESKTOP(1280, 800),
    PHONE(390, 844);

    public final int width;
    public final int height;

    Viewport(int width, int height) {
      this.width = width;
      this.height = height;
    }
  }

  private final ChromeDriver driver;
  private final Viewport viewport;
  private boolean closed;

  private Browser(ChromeDriver driver, Viewport viewport) {
    this.driver = driver;
    this.viewport = viewport;
  }

  /**
   * Starts a headless Chromium showing pages at {@code viewport}, or skips the test (see above).
   */
  public static Browser start(Viewport viewport) {
    Path chromium = Path.of(env("FERRY_CHROMIUM", "/usr/bin/chromium"));
    Path chromedriver = Path.of(env("FERRY_CHROMEDRIVER", "/usr/bin/chromedriver"));
    boolean ci = "true".equals(System.getenv("CI"));
    requireExecutable(chromium, "chromium", ci);
    requireExecutable(chromedriver, "chromium-driver", ci);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        // Tests run as root in containers, where Chromium's sandbox cannot start.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-US",
        "--force-color-profile=srgb");
    if (viewport == Viewport.PHONE) {
      options.setExperimentalOption(
          "mobileEmulation",
          Map.of(
              "deviceMetrics",
              Map.of("width", viewport.width, "height", viewport.height, "pixelRatio", 2.0),
              "userAgent",
              "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                  + " Chrome/156.0.0.0 Mobile Safari/537.36"));
    } else {
      options.addArguments(
          "--window-size=" + viewport.width + "," + viewport.height,
          "--force-device-scale-factor=1");
    }
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);

    // The driver by its system property, the browser by its binary: Selenium's DriverFinder asks
    // Selenium Manager only for what it is not given. (ChromeDriverService.Builder would do the
    // same, but its @AutoService annotation makes javac warn without auto-service on the path.)
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.toString());
    System.setProperty(ChromeDriverService.CHROME_DRIVER_SILENT_OUTPUT_PROPERTY, "true");
    ChromeDriver driver = new ChromeDriver(options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    // Elements of the page a submitted form leads to are looked for until it has loaded.
    driver.manage().timeouts().implicitlyWait(WAIT);
    if (viewport == Viewport.DESKTOP) {
      driver.manage().window().setSize(new Dimension(viewport.width, viewport.height));
    }
    return new Browser(driver, viewport);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** Returns when {@code binary} can run; otherwise skips the test, or fails it under CI. */
  static void requireExecutable(Path binary, String debianPackage, boolean ci) {
    if (Files.isExecutable(binary)) {
      return;
    }
    String message =
        binary
            + " is missing: the browser tests need headless Chromium and its driver (apt-get"
            + " install chromium chromium-driver; .ci/run installs them)";
    if (ci) {
      throw new AssertionError("CI=true and " + message + " [package " + debianPackage + "]");
    }
    Assumptions.abort("skipped: " + message);
  }

  public WebDriver driver() {
    return driver;
  }

  public Viewport viewport() {
    return viewport;
  }

  /** Loads {@code url} and waits for it (the driver returns once the page has loaded). */
  public void open(String url) {
    driver.get(url);
  }

  public WebElement find(String cssSelector) {
    return driver.findElement(By.cssSelector(cssSelector));
  }

  public @Nullable Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The focused element, described as {@code tag#id}, {@code tag[name=value]} or its text. */
  public String focused() {
    return String.valueOf(
        script(
            "const e = document.activeElement;"
                + "if (!e || e === document.body) return 'body';"
                + "const tag = e.tagName.toLowerCase();"
                + "if (e.id) return tag + '#' + e.id;"
                + "if (e.name) return tag + '[' + e.name + '=' + e.value + ']';"
                + "return tag + ':' + e.textContent.trim();"));
  }

  /**
   * What the Tab key visits, starting from the element focused when the page loaded (or, when
   * nothing is, the first stop), until focus leaves the page or {@code max} stops are recorded.
   */
  public List<String> tabOrder(int max) {
    List<String> order = new ArrayList<>();
    if (focused().equals("body")) {
      driver.switchTo().activeElement().sendKeys(Keys.TAB);
    }
    order.add(focused());
    for (int i = 1; i < max; i++) {
      driver.switchTo().activeElement().sendKeys(Keys.TAB);
      String now = focused();
      if (now.equals("body") || order.contains(now)) {
        break;
      }
      order.add(now);
    }
    return order;
  }

  /** Form controls a person can reach that have no label ({@code id} or {@code name}). */
  @SuppressWarnings("unchecked")
  public List<String> unlabelledControls() {
    return (List<String>)
        Objects.requireNonNull(
            script(
                "return Array.from(document.querySelectorAll("
                    + "'input:not([type=hidden]), select, textarea'))"
                    + ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))"
                    + ".map(e => e.id || e.name);"));
  }

  /** Whether the page needs horizontal scrolling at this viewport. */
  public boolean scrollsSideways() {
    return Boolean.TRUE.equals(
        script("return document.documentElement.scrollWidth > window.innerWidth + 1;"));
  }

  /** The browser console's messages since the last call (CSP violations show here). */
  public List<String> consoleMessages() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .toList();
  }

  /**
   * Saves what the viewport shows as {@code docs/screenshots/<name>.png}. The text caret is hidden
   * first (as Playwright's screenshots do): it blinks, so whether it shows would depend on timing
   * and the file would change between runs.
   */
  public Path screenshot(String name) throws IOException {
    // Through the CSSOM, which the pages' CSP (no inline styles) does not restrict.
    script(
        "document.querySelectorAll('input, textarea')"
            + ".forEach(e => e.style.caretColor = 'transparent');");
    Files.createDirectories(SCREENSHOTS);
    Path target = SCREENSHOTS.resolve(name + ".png");
    Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(target)).as("screenshot " + target).isPositive();
    return target;
  }

  /**
   * Waits until the browser is at {@code url}: a key press that submits a form returns before the
   * navigation it starts has ended.
   */
  public void awaitUrl(String url) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlToBe(url));
  }

  /** Waits until a console message (since the last read) satisfies {@code condition}. */
  public List<String> awaitConsole(Predicate<String> condition) {
    List<String> seen = new ArrayList<>();
    new WebDriverWait(driver, WAIT)
        .until(d -> {
          seen.addAll(consoleMessages());
          return seen.stream().anyMatch(condition);
        });
    return seen;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      driver.quit();
    }
  }
}

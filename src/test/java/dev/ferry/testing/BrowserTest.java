package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A missing browser skips the browser tests with a message naming it, except under CI. */
class BrowserTest {
  private final Path missing = Path.of("/nonexistent/chromium");

  @Test
  void aMissingBinarySkipsNamingIt() {
    assertThatThrownBy(() -> Browser.requireExecutable(missing, "chromium", false))
        // JUnit's abort (opentest4j's TestAbortedException): the test is reported skipped.
        .satisfies(e ->
            org.assertj.core.api.Assertions.assertThat(e.getClass().getName())
                .isEqualTo("org.opentest4j.TestAbortedException"))
        .hasMessageContaining("/nonexistent/chromium is missing")
        .hasMessageContaining("apt-get install chromium chromium-driver");
  }

  @Test
  void underCiAMissingBinaryFails() {
    assertThatThrownBy(() -> Browser.requireExecutable(missing, "chromium", true))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("CI=true and /nonexistent/chromium is missing")
        .hasMessageEndingWith("[package chromium]");
  }

  @Test
  void anExecutableBinaryPasses() {
    assertThatCode(() -> Browser.requireExecutable(Path.of("/bin/sh"), "dash", true))
        .doesNotThrowAnyException();
  }
}

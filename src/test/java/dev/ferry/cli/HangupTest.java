package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGHUP: Dex reloads its TLS certificate and keeps serving; the JVM would exit instead. */
class HangupTest {

  @Test
  void sighupRunsTheHandlerAndTheProcessLivesOn() throws Exception {
    CountDownLatch handled = new CountDownLatch(1);
    assertThat(ServeCommand.onHangup(handled::countDown)).isTrue();
    // Without the handler this would end the test JVM, as it ended ferry serve.
    // kill(1) rather than sun.misc.Signal.raise: javac warns on that internal API under --release.
    Process kill =
        new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
    assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();
  }
}

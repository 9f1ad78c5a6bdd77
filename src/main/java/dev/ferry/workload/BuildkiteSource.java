package dev.ferry.workload;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Buildkite's OIDC token: {@code buildkite-agent oidc request-token --audience AUD} prints it. The
 * agent is looked up on the job's {@code PATH} (the {@link Workplace}'s, not this JVM's) and runs
 * with the job's environment, which carries the agent's access token and job id.
 */
final class BuildkiteSource implements TokenSource {
  static final String NAME = "buildkite";
  static final String AGENT = "buildkite-agent";
  static final String JOB_VARIABLE = "BUILDKITE_JOB_ID";

  /** A JWT is a few kilobytes; the agent prints nothing else on stdout. */
  private static final int MAX_BYTES = 64 * 1024;

  /** Terminal colour and cursor codes, which the agent prints on a terminal. */
  private static final Pattern ANSI_ESCAPE = Pattern.compile("\\x1B\\[[0-9;?]*[ -/]*[@-~]");

  private final Workplace place;
  private final @Nullable String audience;
  private final Duration timeout;

  BuildkiteSource(Workplace place, @Nullable String audience, Duration timeout) {
    this.place = place;
    this.audience = audience;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** A Buildkite token belongs to one job: the job id and the audience name it. */
  @Override
  public String cacheIdentity() throws WorkloadException {
    return TokenCache.key(List.of(jobId(), audience == null ? "" : "aud:" + audience));
  }

  @Override
  public UpstreamToken fetch() throws WorkloadException {
    jobId();
    Path agent =
        agent()
            .orElseThrow(() ->
                new WorkloadException(
                    Failure.UPSTREAM_TOKEN,
                    AGENT
                        + " is not on PATH: --from buildkite runs `"
                        + AGENT
                        + " oidc request-token` in a Buildkite job"));
    List<String> command = new ArrayList<>(List.of(agent.toString(), "oidc", "request-token"));
    if (audience != null) {
      command.add("--audience");
      command.add(audience);
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(place.env());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    String what = "`" + AGENT + " oidc request-token`";
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, "could not run " + what + ": " + e.getClass().getSimpleName());
    }
    // One deadline for the agent and both of its pipes: the job waits at most the timeout.
    long deadline = System.nanoTime() + timeout.toNanos();
    Drain stdout = Drain.start(process.getInputStream(), "buildkite-agent-stdout");
    Drain stderr = Drain.start(process.getErrorStream(), "buildkite-agent-stderr");
    try {
      if (!process.waitFor(left(deadline), TimeUnit.NANOSECONDS)) {
        throw new WorkloadException(
            Failure.UPSTREAM_TOKEN, what + " did not finish within " + Sources.describe(timeout));
      }
      // A grandchild may hold the pipes open after the agent exits; do not wait on it for long.
      byte[] out = stdout.bytes(left(deadline));
      byte[] err = stderr.bytes(left(deadline));
      int status = process.exitValue();
      if (status != 0) {
        String line = firstLine(err);
        throw new WorkloadException(
            Failure.UPSTREAM_TOKEN,
            what + " failed (exit " + status + ")" + (line.isEmpty() ? "" : ": " + line));
      }
      if (out.length > MAX_BYTES) {
        throw new WorkloadException(
            Failure.UPSTREAM_TOKEN, what + " printed more than " + MAX_BYTES + " bytes");
      }
      return UnverifiedJwt.check(new String(out, StandardCharsets.UTF_8), NAME, place.clock());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkloadException(Failure.UPSTREAM_TOKEN, "interrupted while running " + what);
    } finally {
      // Whatever the agent started and left running (it has no business outliving the request)
      // goes with it, on every path; children it orphaned by exiting are out of reach.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static long left(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private String jobId() throws WorkloadException {
    @Nullable String job = place.env().get(JOB_VARIABLE);
    if (job == null || job.isBlank()) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN,
          JOB_VARIABLE
              + " is not set: --from buildkite runs in a Buildkite job, whose agent sets it");
    }
    return job;
  }

  /** The first {@code buildkite-agent} on the job's PATH that is an executable file. */
  private Optional<Path> agent() {
    @Nullable String path = place.env().get("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (dir.isEmpty()) {
        continue; // An empty entry means the working directory: not a place to run code from.
      }
      try {
        Path candidate = Path.of(dir, AGENT);
        if (candidate.isAbsolute()
            && Files.isRegularFile(candidate)
            && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      } catch (InvalidPathException e) {
        // Not a directory name; the next entry may be.
      }
    }
    return Optional.empty();
  }

  /** The stderr's first non-blank line, printable ASCII only, short, with no JWT in it. */
  static String firstLine(byte[] err) {
    String text = new String(err, StandardCharsets.UTF_8);
    for (String line : text.split("\n", -1)) {
      // Anything shaped like a JWT is cut out before it is shown.
      String clean = Text.redactJwts(ANSI_ESCAPE.matcher(line).replaceAll(""));
      StringBuilder printable = new StringBuilder();
      clean
          .codePoints()
          .map(c -> c >= 0x20 && c < 0x7f ? c : ' ')
          .forEach(printable::appendCodePoint);
      String result = printable.toString().strip();
      if (!result.isEmpty()) {
        return result.length() > 200 ? result.substring(0, 200) + "..." : result;
      }
    }
    return "";
  }

  /** Reads a child's stream to the end on its own thread, so neither pipe can fill and block. */
  private static final class Drain {
    private final Thread thread;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    private Drain(InputStream in, String name) {
      this.thread =
          Thread.ofVirtual()
              .name(name)
              .unstarted(() -> {
                byte[] chunk = new byte[8192];
                try (in) {
                  int n;
                  while ((n = in.read(chunk)) >= 0) {
                    synchronized (buffer) {
                      if (buffer.size() <= MAX_BYTES) {
                        buffer.write(chunk, 0, n);
                      }
                    }
                  }
                } catch (IOException e) {
                  // The process was killed or closed its end: what was read is all there is.
                }
              });
    }

    static Drain start(InputStream in, String name) {
      Drain drain = new Drain(in, name);
      drain.thread.start();
      return drain;
    }

    byte[] bytes(long waitNanos) throws InterruptedException {
      if (waitNanos > 0) {
        thread.join(Duration.ofNanos(waitNanos));
      }
      synchronized (buffer) {
        return buffer.toByteArray();
      }
    }
  }
}

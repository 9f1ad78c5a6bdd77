package dev.ferry.workload;

import java.time.Clock;
import java.util.Map;

/**
 * What {@code ferry token} reads from the process it runs in: its environment and the time. Tests
 * pass their own, so nothing here reads {@link System#getenv()} directly.
 */
public record Workplace(Map<String, String> env, Clock clock) {
  public Workplace {
    env = Map.copyOf(env);
  }

  /** The running process's environment and the system clock. */
  public static Workplace system() {
    return new Workplace(System.getenv(), Clock.systemUTC());
  }
}

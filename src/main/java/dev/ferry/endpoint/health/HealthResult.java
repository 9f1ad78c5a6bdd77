package dev.ferry.endpoint.health;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a check's latest run, with go-sundheit's fields: an optional detail message, the
 * error (if failing), when it ran, how long it took, the failure streak and when that streak began.
 */
public record HealthResult(
    @Nullable String message,
    @Nullable String error,
    Instant timestamp,
    @Nullable Duration duration,
    long contiguousFailures,
    @Nullable Instant timeOfFirstFailure) {

  public boolean healthy() {
    return error == null;
  }
}

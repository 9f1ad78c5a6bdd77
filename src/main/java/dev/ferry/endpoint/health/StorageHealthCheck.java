package dev.ferry.endpoint.health;

import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Claims;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.Pkce;
import dev.ferry.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dex's storage health check (Dex: storage/health.go NewCustomHealthCheckFunc, registered in
 * cmd/dex/serve.go runServe): create a dummy auth request expiring in a minute (so garbage
 * collection removes it if the delete fails), then delete it. It starts out passing, as Dex
 * registers it with {@code InitiallyPassing}. Runs are driven by {@link #runOnce()}, which a
 * scheduler calls every 15 seconds ({@link #schedule}) and tests call directly.
 */
public final class StorageHealthCheck {
  /** Dex's execution period. */
  public static final Duration PERIOD = Duration.ofSeconds(15);

  private static final Logger log = LoggerFactory.getLogger(StorageHealthCheck.class);

  private final Storage storage;
  private final Clock clock;
  private final IdGenerator ids;
  private volatile HealthResult result;

  public StorageHealthCheck(Storage storage, Clock clock, IdGenerator ids) {
    this.storage = storage;
    this.clock = clock;
    this.ids = ids;
    this.result = new HealthResult("didn't run yet", null, clock.instant(), null, 0, null);
  }

  /** Runs the check once and records its outcome. */
  public synchronized HealthResult runOnce() {
    Instant start = clock.instant();
    @Nullable String error = probe(start);
    Instant end = clock.instant();
    HealthResult previous = result;
    HealthResult next;
    if (error == null) {
      next = new HealthResult(null, null, end, Duration.between(start, end), 0, null);
    } else {
      Instant firstFailure =
          previous.timeOfFirstFailure() != null ? previous.timeOfFirstFailure() : end;
      next =
          new HealthResult(
              null,
              error,
              end,
              Duration.between(start, end),
              previous.contiguousFailures() + 1,
              firstFailure);
      log.atWarn().setMessage("health check failed").addKeyValue("err", error).log();
    }
    result = next;
    return next;
  }

  private @Nullable String probe(Instant now) {
    String id = ids.newId();
    AuthRequest dummy =
        new AuthRequest(
            id,
            ids.newId(),
            List.of(),
            List.of(),
            "",
            "",
            "",
            false,
            now.plus(Duration.ofMinutes(1)),
            false,
            Claims.EMPTY,
            "",
            new byte[0],
            Pkce.NONE,
            new byte[0],
            "",
            -1,
            null,
            false,
            new byte[0]);
    try {
      storage.authRequests().create(dummy);
    } catch (RuntimeException e) {
      return "create auth request: " + e.getMessage();
    }
    try {
      storage.authRequests().delete(id);
    } catch (RuntimeException e) {
      return "delete auth request: " + e.getMessage();
    }
    return null;
  }

  public HealthResult result() {
    return result;
  }

  public boolean healthy() {
    return result.healthy();
  }

  /** Runs the check every {@code period} on {@code scheduler}, starting after one period. */
  public ScheduledFuture<?> schedule(ScheduledExecutorService scheduler, Duration period) {
    return scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            runOnce();
          } catch (RuntimeException e) {
            log.atError().setMessage("health check crashed").setCause(e).log();
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }
}

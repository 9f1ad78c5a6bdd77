package dev.ferry.endpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A deterministic clock that moves forward by a fixed tick on every reading, so that "some time
 * passed between minting and answering" (Dex's {@code expires_in} of 86399) happens without sleeps.
 * Tests may also jump it forward.
 */
public final class TickingClock extends Clock {
  private final AtomicReference<Instant> now;
  private final Duration tick;

  public TickingClock(Instant start, Duration tick) {
    this.now = new AtomicReference<>(start);
    this.tick = tick;
  }

  public void advance(Duration step) {
    now.updateAndGet(t -> t.plus(step));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now.getAndUpdate(t -> t.plus(tick));
  }
}

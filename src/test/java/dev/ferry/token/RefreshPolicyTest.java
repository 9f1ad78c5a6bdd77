package dev.ferry.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Dex: server/tokens/refresh_strategy_test.go TestStrategy, and the bounds of each window. */
class RefreshPolicyTest {
  private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

  @Test
  void zeroDurationsDisableEveryLimit() {
    RefreshPolicy policy = RefreshPolicy.DEFAULT;
    Instant muchLater = T0.plus(Duration.ofDays(10_000));
    assertThat(policy.rotate()).isTrue();
    assertThat(policy.completelyExpired(T0, muchLater)).isFalse();
    assertThat(policy.expiredBecauseUnused(T0, muchLater)).isFalse();
    assertThat(policy.allowedToReuse(T0, T0)).isFalse();
  }

  @Test
  void eachWindowIncludesItsLastInstant() {
    RefreshPolicy policy =
        new RefreshPolicy(
            true, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(10));
    assertThat(policy.completelyExpired(T0, T0.plusSeconds(60))).isFalse();
    assertThat(policy.completelyExpired(T0, T0.plusSeconds(60).plusNanos(1))).isTrue();
    assertThat(policy.expiredBecauseUnused(T0, T0.plusSeconds(30))).isFalse();
    assertThat(policy.expiredBecauseUnused(T0, T0.plusSeconds(30).plusNanos(1))).isTrue();
    assertThat(policy.allowedToReuse(T0, T0.plusSeconds(10))).isTrue();
    assertThat(policy.allowedToReuse(T0, T0.plusSeconds(10).plusNanos(1))).isFalse();
  }
}

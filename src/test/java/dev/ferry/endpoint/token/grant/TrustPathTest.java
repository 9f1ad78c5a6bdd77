package dev.ferry.endpoint.token.grant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The {@code expires_in} every grant answers with, computed in one place. */
class TrustPathTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void expiresInIsWholeSecondsRoundedDownAsDexWritesIt() {
    assertThat(TrustPath.expiresIn(NOW, NOW.plusSeconds(86400))).isEqualTo(86400);
    // A moment after signing a 24 h token: 86399, as Dex's int(time.Until(expiry).Seconds()).
    assertThat(TrustPath.expiresIn(NOW.plusMillis(1), NOW.plusSeconds(86400))).isEqualTo(86399);
    assertThat(TrustPath.expiresIn(NOW, NOW.plusMillis(999))).isZero();
  }

  @Test
  void anExpiryInThePastIsZeroNeverNegative() {
    assertThat(TrustPath.expiresIn(NOW, NOW)).isZero();
    assertThat(TrustPath.expiresIn(NOW, NOW.minusSeconds(5))).isZero();
  }
}

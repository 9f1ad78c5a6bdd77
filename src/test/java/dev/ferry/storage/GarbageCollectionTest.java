package dev.ferry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The result the backends fill by entity and the server logs with Dex's keys. */
class GarbageCollectionTest {

  @Test
  void dexCountsAreNamedByTheirEntitiesAndZeroCountsAreLeftOut() {
    GarbageCollection dex = new GarbageCollection(1, 2, 0, 4, 5);

    assertThat(dex.deleted())
        .isEqualTo(
            Map.of("auth request", 1L, "auth code", 2L, "device token", 4L, "auth session", 5L));
    assertThat(dex.authRequests()).isEqualTo(1);
    assertThat(dex.authCodes()).isEqualTo(2);
    assertThat(dex.deviceRequests()).isZero();
    assertThat(dex.deviceTokens()).isEqualTo(4);
    assertThat(dex.authSessions()).isEqualTo(5);
    assertThat(dex.beyondDex()).isEmpty();
    assertThat(dex.isEmpty()).isFalse();
  }

  @Test
  void resultsWithTheSameCountsAreEqualWhicheverEntitiesWereVisited() {
    Map<String, Long> visitedAll = new LinkedHashMap<>();
    visitedAll.put("auth request", 0L);
    visitedAll.put("auth code", 0L);
    visitedAll.put("seen token", 0L);

    assertThat(new GarbageCollection(visitedAll)).isEqualTo(new GarbageCollection(Map.of()));
    assertThat(new GarbageCollection(visitedAll).isEmpty()).isTrue();
    assertThat(new GarbageCollection(0, 0, 0, 0, 0)).isEqualTo(new GarbageCollection(Map.of()));
  }

  @Test
  void entitiesDexDoesNotHaveAreReportedBesideDexs() {
    GarbageCollection result =
        new GarbageCollection(Map.of("auth code", 3L, "seen token", 2L, "another", 1L));

    assertThat(result.authCodes()).isEqualTo(3);
    assertThat(result.beyondDex())
        .containsExactly(Map.entry("another", 1L), Map.entry("seen token", 2L));
  }
}

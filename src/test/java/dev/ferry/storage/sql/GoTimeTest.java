package dev.ferry.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoTimeTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // Go drops trailing zeros of the fraction, and the dot with them.
    "2026-03-04T05:06:07Z, 2026-03-04 05:06:07+00:00, 2026-03-04T05:06:07Z",
    "2026-03-04T05:06:07.100Z, 2026-03-04 05:06:07.1+00:00, 2026-03-04T05:06:07.1Z",
    "2026-03-04T05:06:07.891Z, 2026-03-04 05:06:07.891+00:00, 2026-03-04T05:06:07.891Z",
    "2026-03-04T05:06:07.000000001Z, 2026-03-04 05:06:07.000000001+00:00,"
        + " 2026-03-04T05:06:07.000000001Z",
    "0001-01-01T00:00:00Z, 0001-01-01 00:00:00+00:00, 0001-01-01T00:00:00Z",
  })
  void formatsAsGo(String instant, String sqlite, String rfc3339) {
    Instant t = Instant.parse(instant);
    assertThat(GoTime.sqlite(t)).isEqualTo(sqlite);
    assertThat(GoTime.rfc3339(t)).isEqualTo(rfc3339);
    assertThat(GoTime.parseSqlite(sqlite)).contains(t);
    assertThat(GoTime.parseRfc3339(rfc3339)).isEqualTo(t);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // Every layout go-sqlite3 reads back, plus Dex's own column default.
    "2026-03-04 05:06:07.5-07:00, 2026-03-04T12:06:07.5Z",
    "2026-03-04T05:06:07.5+02:00, 2026-03-04T03:06:07.5Z",
    "2026-03-04 05:06:07.123456789, 2026-03-04T05:06:07.123456789Z",
    "2026-03-04T05:06:07, 2026-03-04T05:06:07Z",
    "2026-03-04 05:06, 2026-03-04T05:06:00Z",
    "2026-03-04, 2026-03-04T00:00:00Z",
    "2026-03-04 05:06:07Z, 2026-03-04T05:06:07Z",
    "2026-03-04 05:06:07+0100, 2026-03-04T04:06:07Z",
    "0001-01-01 00:00:00 UTC, 0001-01-01T00:00:00Z",
  })
  void parsesGoSqliteLayouts(String text, String expected) {
    assertThat(GoTime.parseSqlite(text)).contains(Instant.parse(expected));
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource({"not a time", "2026-13", "''", "12:00:00"})
  void rejectsNonTimes(String text) {
    assertThat(GoTime.parseSqlite(text)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0001-01-01T00:00:00Z, true", "1970-01-01T00:00:00Z, false"})
  void recognisesGoZeroTime(String instant, boolean zero) {
    assertThat(GoTime.isGoZero(Instant.parse(instant))).isEqualTo(zero);
  }
}

package dev.ferry.storage.sql;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The values bound to one statement, in order. Instants are written in the form the dialect's Dex
 * driver writes: {@code timestamptz} with microseconds on PostgreSQL, UTC {@code datetime(3)} on
 * MySQL, go-sqlite3's text layout on SQLite.
 */
final class Params {

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement st, int index) throws SQLException;
  }

  private final Dialect dialect;
  private final List<Binder> binders = new ArrayList<>();

  Params(Dialect dialect) {
    this.dialect = dialect;
  }

  Params string(String value) {
    binders.add((st, i) -> st.setString(i, value));
    return this;
  }

  /** Text kept in a {@code bytea} column (Dex stores some strings as bytes). */
  Params textBytes(String value) {
    return bytes(value.getBytes(StandardCharsets.UTF_8));
  }

  Params bool(boolean value) {
    binders.add((st, i) -> st.setBoolean(i, value));
    return this;
  }

  Params nullableBool(@Nullable Boolean value) {
    if (value == null) {
      binders.add((st, i) -> st.setNull(i, Types.BOOLEAN));
    } else {
      bool(value);
    }
    return this;
  }

  Params integer(int value) {
    binders.add((st, i) -> st.setInt(i, value));
    return this;
  }

  Params bytes(byte[] value) {
    byte[] copy = value.clone();
    binders.add((st, i) -> st.setBytes(i, copy));
    return this;
  }

  Params instant(Instant value) {
    binders.add((st, i) -> bindInstant(st, i, value));
    return this;
  }

  Params nullableInstant(@Nullable Instant value) {
    if (value == null) {
      binders.add(
          (st, i) -> st.setNull(i, dialect == Dialect.SQLITE ? Types.VARCHAR : Types.TIMESTAMP));
      return this;
    }
    return instant(value);
  }

  void bind(PreparedStatement st) throws SQLException {
    for (int i = 0; i < binders.size(); i++) {
      binders.get(i).bind(st, i + 1);
    }
  }

  private void bindInstant(PreparedStatement st, int index, Instant value) throws SQLException {
    switch (dialect) {
      case POSTGRES ->
          st.setObject(
              index,
              OffsetDateTime.ofInstant(value.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
      case MYSQL ->
          // datetime has no zone: Dex writes UTC (go-sql-driver's default loc) and so does Ferry.
          st.setObject(
              index, LocalDateTime.ofInstant(value.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC));
      case SQLITE -> st.setString(index, GoTime.sqlite(value));
    }
  }
}

package dev.ferry.storage.sql;

import dev.ferry.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/**
 * One result row read by column name. NULL reads as the Go zero value Dex would have seen: an empty
 * string, false, an empty byte array; nullable instants read NULL and Go's zero time as absent.
 */
final class Row {

  private final ResultSet rs;
  private final Dialect dialect;
  private final String table;

  Row(ResultSet rs, Dialect dialect, String table) {
    this.rs = rs;
    this.dialect = dialect;
    this.table = table;
  }

  /** The table the row comes from, for messages. */
  String table() {
    return table;
  }

  String string(String column) throws SQLException {
    String v = rs.getString(column);
    return v == null ? "" : v;
  }

  boolean bool(String column) throws SQLException {
    return rs.getBoolean(column);
  }

  @Nullable Boolean nullableBool(String column) throws SQLException {
    boolean v = rs.getBoolean(column);
    return rs.wasNull() ? null : v;
  }

  int integer(String column) throws SQLException {
    return rs.getInt(column);
  }

  byte[] bytes(String column) throws SQLException {
    byte[] v = rawBytes(column);
    return v == null ? new byte[0] : v;
  }

  byte @Nullable [] rawBytes(String column) throws SQLException {
    return rs.getBytes(column);
  }

  /** Text that Dex keeps in a {@code bytea} column. */
  String textBytes(String column) throws SQLException {
    return new String(bytes(column), StandardCharsets.UTF_8);
  }

  Instant instant(String column) throws SQLException {
    Instant v = nullableRawInstant(column);
    if (v == null) {
      throw new StorageException("corrupt row in " + table + ": " + column + " is NULL");
    }
    return v;
  }

  @Nullable Instant nullableInstant(String column) throws SQLException {
    Instant v = nullableRawInstant(column);
    return v == null || GoTime.isGoZero(v) ? null : v;
  }

  private @Nullable Instant nullableRawInstant(String column) throws SQLException {
    return switch (dialect) {
      case POSTGRES -> {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        yield t == null ? null : t.toInstant();
      }
      case MYSQL -> {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        yield t == null ? null : t.toInstant(ZoneOffset.UTC);
      }
      case SQLITE -> {
        Object raw = rs.getObject(column);
        if (raw == null) {
          yield null;
        }
        if (raw instanceof Number n) {
          // go-sqlite3 also reads integer columns as Unix seconds.
          yield Instant.ofEpochSecond(n.longValue());
        }
        String text = raw.toString();
        yield GoTime.parseSqlite(text)
            .orElseThrow(() ->
                new StorageException("corrupt row in " + table + ": " + column + " is not a time"));
      }
    };
  }
}

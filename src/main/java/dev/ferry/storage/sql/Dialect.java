package dev.ferry.storage.sql;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteException;

/**
 * What differs between the SQL databases Ferry speaks to. Queries are written once in PostgreSQL's
 * flavour with {@code ?} binds; {@link #translate} rewrites the few words that differ, the same
 * rewrites Dex's flavors make (Dex: storage/sql/sql.go), so that the column types Ferry creates are
 * exactly those Dex creates.
 */
public enum Dialect {
  /** SQLite through sqlite-jdbc. Dex: flavorSQLite3. */
  SQLITE(
      "sqlite3",
      List.of(
          rule("\\btrue\\b", "1"),
          rule("\\bfalse\\b", "0"),
          rule("\\bboolean\\b", "integer"),
          rule("\\bbytea\\b", "blob"),
          rule("\\btimestamptz\\b", "timestamp"),
          rule("\\bnow\\(\\)", "date('now')"))),
  /** PostgreSQL: the flavour queries are written in. Dex: flavorPostgres. */
  POSTGRES("postgres", List.of()),
  /** MySQL and MariaDB. Dex: flavorMySQL. */
  MYSQL(
      "mysql",
      List.of(
          rule("\\bbytea\\b", "blob"),
          rule("\\btimestamptz\\b", "datetime(3)"),
          // InnoDB cannot index unbounded text, so Dex uses varchar(384) for every text column.
          rule("\\btext\\b", "varchar(384)"),
          rule("\\bkeys\\b", "`keys`"),
          // datetime cannot hold year 1; Dex moves the default to MySQL's documented minimum.
          rule("0001-01-01 00:00:00 UTC", "1000-01-01 00:00:00")));

  private record Rule(Pattern pattern, String replacement) {}

  private static Rule rule(String regex, String replacement) {
    return new Rule(Pattern.compile(regex), Matcher.quoteReplacement(replacement));
  }

  private final String type;

  // Every constant passes List.of(...), which is unmodifiable; the checker sees only the type.
  @SuppressWarnings("ImmutableEnumChecker")
  private final List<Rule> rules;

  Dialect(String type, List<Rule> rules) {
    this.type = type;
    this.rules = rules;
  }

  /** The Dex {@code storage.type} of this dialect. */
  public String type() {
    return type;
  }

  /** Rewrites a PostgreSQL-flavoured statement into this dialect. */
  public String translate(String sql) {
    String out = sql;
    for (Rule r : rules) {
      out = r.pattern().matcher(out).replaceAll(r.replacement());
    }
    return out;
  }

  /**
   * Whether a key could ever have been stored, so that a lookup with one that could not answers
   * "not found" instead of failing or matching something else. PostgreSQL refuses a NUL byte in
   * text (SQLSTATE 22021, which would surface as a server error for a hostile {@code client_id});
   * an unpaired surrogate has no UTF-8 form and drivers send it as {@code ?}, which would match a
   * stored {@code ?}; MySQL keeps at most 384 characters in Dex's {@code varchar(384)} key columns.
   */
  boolean canStoreKey(String key) {
    if (this == MYSQL && key.codePointCount(0, key.length()) > MYSQL_TEXT_LENGTH) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char ch = key.charAt(i);
      if (ch == '\0') {
        return false;
      }
      if (Character.isHighSurrogate(ch)) {
        if (i + 1 >= key.length() || !Character.isLowSurrogate(key.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(ch)) {
        return false;
      }
    }
    return true;
  }

  /** The length of Dex's MySQL text columns (the {@code varchar(384)} rule above). */
  private static final int MYSQL_TEXT_LENGTH = 384;

  /** The clause that locks the rows a compare-and-swap reads; SQLite locks the whole file. */
  String lockForUpdate() {
    return this == SQLITE ? "" : " for update";
  }

  /**
   * A failure after which the whole transaction may simply run again: a serialization failure
   * (SQLSTATE 40001, PostgreSQL's answer to a conflicting SERIALIZABLE transaction) or a deadlock
   * (PostgreSQL 40P01, MySQL error 1213). PostgreSQL's documentation requires SERIALIZABLE clients
   * to retry these.
   */
  // The == below is meant: it stops on a driver whose exception chain points back at itself.
  @SuppressWarnings("ReferenceEquality")
  boolean isRetryable(SQLException e) {
    for (SQLException cur = e; cur != null; cur = cur.getNextException()) {
      String state = cur.getSQLState();
      if ("40001".equals(state) || "40P01".equals(state) || cur.getErrorCode() == 1213) {
        return true;
      }
      if (cur.getNextException() == cur) {
        break;
      }
    }
    return false;
  }

  /** The connection broke (or the server ended it); work that did not reach commit can rerun. */
  boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLRecoverableException
        || e instanceof SQLTransientConnectionException
        || (state != null && (state.startsWith("08") || state.startsWith("57P")));
  }

  /** A duplicate primary key (Dex: alreadyExistsCheck). */
  boolean isUniqueViolation(SQLException e) {
    return switch (this) {
      case POSTGRES -> "23505".equals(e.getSQLState());
      case MYSQL -> e.getErrorCode() == 1062;
      case SQLITE ->
          e instanceof SQLiteException s
              && (s.getResultCode().code & 0xff) == 19
              && containsAny(e.getMessage(), "UNIQUE", "PRIMARY KEY");
    };
  }

  /**
   * A plain-language reason for failures an operator can act on (a locked, read-only or corrupt
   * SQLite file), or null when the driver's message is the best there is.
   */
  @org.jspecify.annotations.Nullable
  String explain(SQLException e) {
    if (!(e instanceof SQLiteException s)) {
      return null;
    }
    return switch (s.getResultCode().code & 0xff) {
      case 5, 6 -> "is locked by another process or connection (gave up after the busy timeout)";
      case 8 -> "is read-only: check the permissions of the file and of its directory";
      case 11, 26 ->
          "is corrupt or not an SQLite database; Ferry left it untouched, restore it from a backup";
      case 13 -> "cannot be written: the disk is full";
      case 14 ->
          "cannot be opened for reading and writing: check that the file and its directory exist"
              + " and are writable";
      default -> null;
    };
  }

  private static boolean containsAny(@org.jspecify.annotations.Nullable String s, String... parts) {
    if (s == null) {
      return false;
    }
    String upper = s.toUpperCase(Locale.ROOT);
    for (String p : parts) {
      if (upper.contains(p)) {
        return true;
      }
    }
    return false;
  }
}

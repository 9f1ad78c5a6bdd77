package dev.ferry.storage.sql;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units of work in transactions, the way Dex's {@code ExecTx} does, with a bounded retry.
 *
 * <p>Design note: every unit runs in one transaction at the pool's isolation level (SERIALIZABLE on
 * PostgreSQL and MySQL, as Dex configures them). A unit that fails with a serialization failure or
 * deadlock is rolled back and run again from the start, so a compare-and-swap re-reads the row and
 * calls its updater again; that is why updaters must be free of side effects. A unit that fails
 * because the connection broke is retried too, but only when the failure came before {@code
 * commit}: a commit whose answer was lost may have been applied, and running an updater a second
 * time on top of it would apply it twice. Anything else, including exceptions thrown by updaters,
 * rolls back and propagates.
 */
final class Transactor {

  private static final Logger LOG = LoggerFactory.getLogger(Transactor.class);

  /** Attempts for conflicts: eight replicas hammering one row settle well within this. */
  private static final int MAX_CONFLICT_ATTEMPTS = 60;

  /** Attempts after a broken connection: the pool replaces it on the first retry. */
  private static final int MAX_CONNECTION_ATTEMPTS = 3;

  @FunctionalInterface
  interface Work<R> {
    R run(Connection connection) throws SQLException;
  }

  @FunctionalInterface
  interface RowReader<T> {
    T read(Row row) throws SQLException;
  }

  /** Reads every row of a query on one of the entity tables. */
  <V extends Record> List<V> query(Connection c, String sql, Params params, Table<?, V> table)
      throws SQLException {
    return query(c, sql, params, table.name, table::read);
  }

  @FunctionalInterface
  interface Action {
    void run(Connection connection) throws SQLException;
  }

  private final HikariDataSource dataSource;
  private final Dialect dialect;
  private final String target;

  /**
   * @param target what the storage is, for messages: the SQLite file or {@code host/database}
   */
  Transactor(HikariDataSource dataSource, Dialect dialect, String target) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.target = target;
  }

  Dialect dialect() {
    return dialect;
  }

  void run(String what, Action action) {
    inTransaction(
        what,
        c -> {
          action.run(c);
          return Boolean.TRUE;
        });
  }

  <R> R inTransaction(String what, Work<R> work) {
    int conflicts = 0;
    int connectionFailures = 0;
    while (true) {
      boolean committing = false;
      Connection connection;
      try {
        connection = dataSource.getConnection();
      } catch (SQLException e) {
        // The pool already waited its connection timeout; waiting again would only add to it.
        throw failure(what, e);
      }
      try (Connection c = connection) {
        try {
          c.setAutoCommit(false);
        } catch (SQLException e) {
          // sqlite-jdbc begins the transaction here; when that fails (SQLITE_BUSY) the driver is
          // left believing a transaction is open, so the connection must not be reused.
          dataSource.evictConnection(c);
          throw e;
        }
        try {
          R result = work.run(c);
          committing = true;
          c.commit();
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          if (!rollback(c)) {
            dataSource.evictConnection(c);
          }
          throw e;
        }
      } catch (SQLException e) {
        if (dialect.isRetryable(e) && ++conflicts < MAX_CONFLICT_ATTEMPTS) {
          backOff(conflicts);
          continue;
        }
        if (!committing
            && dialect.isConnectionFailure(e)
            && ++connectionFailures < MAX_CONNECTION_ATTEMPTS) {
          LOG.warn(
              "storage connection failed, retrying: target={} op={} error={}",
              target,
              what,
              e.getMessage());
          continue;
        }
        throw failure(what, e);
      }
    }
  }

  int execute(Connection c, String sql, Params params) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(dialect.translate(sql))) {
      params.bind(st);
      return st.executeUpdate();
    }
  }

  <T> List<T> query(Connection c, String sql, Params params, String table, RowReader<T> reader)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(dialect.translate(sql))) {
      params.bind(st);
      try (ResultSet rs = st.executeQuery()) {
        List<T> out = new ArrayList<>();
        Row row = new Row(rs, dialect, table);
        while (rs.next()) {
          out.add(reader.read(row));
        }
        return out;
      }
    }
  }

  StorageException failure(String what, SQLException e) {
    String reason = dialect.explain(e);
    if (reason != null) {
      return new StorageException(
          dialect.type() + " database " + target + " " + reason + " (" + what + ")", e);
    }
    return new StorageException(
        dialect.type() + " storage at " + target + ": " + what + " failed: " + e.getMessage(), e);
  }

  private void backOff(int attempt) {
    // Jitter spreads competing replicas apart; it is not security-relevant randomness.
    long ceilingMillis = Math.min(50, 1L << Math.min(attempt, 6));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(ceilingMillis + 1));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while retrying a storage transaction", ie);
    }
  }

  /** Rolls back; false when that failed too, and the connection's state is unknown. */
  private static boolean rollback(Connection c) {
    try {
      c.rollback();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }
}

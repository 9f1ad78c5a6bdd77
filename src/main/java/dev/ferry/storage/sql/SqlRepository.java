package dev.ferry.storage.sql;

import dev.ferry.storage.AlreadyExistsException;
import dev.ferry.storage.Entity;
import dev.ferry.storage.NotFoundException;
import dev.ferry.storage.Repository;
import dev.ferry.storage.StorageException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The one implementation of {@link Repository} for every SQL table: create, get, list, update and
 * delete built from the entity's {@link Table} description, so every entity gets the same
 * semantics.
 *
 * <p>Keys compare exactly on every database. MySQL's default collations ignore case and trailing
 * spaces, so {@code where id = ?} finds {@code my-app} for {@code MY-APP }; every row a key lookup
 * returns is therefore checked again in Java against the exact key, and a row that matched only
 * through the collation counts as absent (Dex on PostgreSQL and SQLite compares bytes, and so does
 * Ferry everywhere). Under a case-insensitive primary key the collation also guarantees at most one
 * such row, so an update or delete by the exact key touches only the row that was checked. A key
 * the database could not hold (see {@link Dialect#canStoreKey}) is absent without a query.
 */
final class SqlRepository<K, V extends Record> implements Repository<K, V> {

  private final Table<K, V> table;
  private final Entity<K, V> entity;
  private final Transactor tx;
  private final Dialect dialect;

  SqlRepository(Table<K, V> table, Transactor tx) {
    this.table = table;
    this.entity = table.entity;
    this.tx = tx;
    this.dialect = tx.dialect();
  }

  @Override
  public void create(V value) {
    V canonical = entity.canonical().apply(value);
    List<String> key = entity.partsOf(canonical);
    if (!storable(key)) {
      throw new StorageException("cannot store " + entity.describe(key) + ": invalid key");
    }
    tx.run(
        "create " + entity.kind(),
        c -> {
          try {
            tx.execute(c, table.insertSql(), table.writeAll(canonical, new Params(dialect)));
          } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) {
              throw new AlreadyExistsException(entity.describe(key));
            }
            throw e;
          }
        });
  }

  @Override
  public Optional<V> get(K key) {
    List<String> parts = entity.partsOfKey(key);
    if (!storable(parts)) {
      return Optional.empty();
    }
    return tx.inTransaction("get " + entity.kind(), c -> select(c, parts, ""));
  }

  @Override
  public List<V> list() {
    return tx.inTransaction(
        "list " + entity.kind(),
        c -> List.copyOf(tx.query(c, table.listSql(), new Params(dialect), table)));
  }

  @Override
  public void update(K key, UnaryOperator<V> updater) {
    List<String> parts = entity.partsOfKey(key);
    if (!storable(parts)) {
      throw new NotFoundException(entity.describe(parts));
    }
    tx.run(
        "update " + entity.kind(),
        c -> {
          V current =
              select(c, parts, dialect.lockForUpdate())
                  .orElseThrow(() -> new NotFoundException(entity.describe(parts)));
          V next = entity.canonical().apply(requireResult(updater.apply(current)));
          if (!entity.partsOf(next).equals(parts)) {
            // Dex's SQL backend silently ignores a changed key; refusing is clearer.
            throw new StorageException("updater changed the key of " + entity.describe(parts));
          }
          tx.execute(
              c,
              table.updateSql(),
              Table.keys(table.writeValues(next, new Params(dialect)), parts));
        });
  }

  @Override
  public void delete(K key) {
    List<String> parts = entity.partsOfKey(key);
    if (!storable(parts)) {
      throw new NotFoundException(entity.describe(parts));
    }
    tx.run(
        "delete " + entity.kind(),
        c -> {
          // Read (and lock) first: on MySQL the delete's own where clause would also remove a row
          // whose key differs in case or trailing spaces.
          if (select(c, parts, dialect.lockForUpdate()).isEmpty()
              || tx.execute(c, table.deleteSql(), Table.keys(new Params(dialect), parts)) == 0) {
            throw new NotFoundException(entity.describe(parts));
          }
        });
  }

  /** The row with exactly this key, ignoring rows the collation matched (see the class note). */
  private Optional<V> select(Connection c, List<String> parts, String lock) throws SQLException {
    List<V> rows =
        tx.query(c, table.selectSql(lock), Table.keys(new Params(dialect), parts), table);
    return rows.stream().filter(v -> entity.partsOf(v).equals(parts)).findFirst();
  }

  private boolean storable(List<String> parts) {
    return parts.stream().allMatch(dialect::canStoreKey);
  }

  private V requireResult(@Nullable V value) {
    if (value == null) {
      throw new StorageException("updater returned null for " + entity.kind());
    }
    return value;
  }
}

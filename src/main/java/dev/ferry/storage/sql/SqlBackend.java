package dev.ferry.storage.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageBackend;
import dev.ferry.storage.StorageException;
import java.util.List;

/** Dex's {@code sqlite3}, {@code postgres} and {@code mysql} storage types. */
public final class SqlBackend implements StorageBackend {

  private final Dialect dialect;

  public SqlBackend(Dialect dialect) {
    this.dialect = dialect;
  }

  /** The three SQL backends, for registering with {@link dev.ferry.storage.StorageFactory}. */
  public static List<StorageBackend> all() {
    return List.of(
        new SqlBackend(Dialect.SQLITE),
        new SqlBackend(Dialect.POSTGRES),
        new SqlBackend(Dialect.MYSQL));
  }

  @Override
  public String type() {
    return dialect.type();
  }

  @Override
  public List<String> validate(ObjectNode config) {
    return parse(config).problems();
  }

  @Override
  public Storage open(ObjectNode config) {
    DexSqlConfig.Parsed parsed = parse(config);
    SqlSettings settings = parsed.settings();
    if (settings == null) {
      throw new StorageException("invalid storage config: " + String.join("; ", parsed.problems()));
    }
    return SqlStorage.open(settings);
  }

  /** The settings {@link #open} would use; exposed for tests and {@code config check}. */
  DexSqlConfig.Parsed parse(ObjectNode config) {
    return dialect == Dialect.SQLITE
        ? DexSqlConfig.sqlite(config)
        : DexSqlConfig.network(dialect, config);
  }
}

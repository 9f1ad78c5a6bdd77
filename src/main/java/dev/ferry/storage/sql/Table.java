package dev.ferry.storage.sql;

import dev.ferry.storage.Entity;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One entity's Dex table, described once as fields in the order of the entity's record components:
 * each field is a column (or, for {@code Claims} and {@code Pkce}, a group of columns), the record
 * accessor that gives its value and the {@link Codec} that stores it. Everything else is derived:
 * the statements of {@link SqlRepository}, the writer (each field's codec in turn) and the reader
 * (each field read back, then the record's canonical constructor), and for an entity that expires
 * the garbage-collection statement over the columns named with {@link Builder#expiry}. {@link
 * Builder#build} checks the description against the record and its {@link Entity}, so a missing or
 * misplaced field, or expiry columns that do not match the entity's expiries, fail at start-up and
 * in every test rather than at the first query.
 */
final class Table<K, V extends Record> {

  /** One record component as one or more columns. */
  record Field<V, F extends @Nullable Object>(
      List<String> columns, Function<V, F> getter, Codec<F> codec) {

    void write(V value, Params params) {
      codec.write(getter.apply(value), params);
    }
  }

  final Entity<K, V> entity;
  final String name;
  final List<String> keyColumns;
  final List<String> expiryColumns;
  private final List<Field<V, ?>> fields;
  private final Constructor<V> constructor;

  private Table(
      Entity<K, V> entity,
      String name,
      List<String> keyColumns,
      List<String> expiryColumns,
      List<Field<V, ?>> fields,
      Constructor<V> constructor) {
    this.entity = entity;
    this.name = name;
    this.keyColumns = List.copyOf(keyColumns);
    this.expiryColumns = List.copyOf(expiryColumns);
    this.fields = List.copyOf(fields);
    this.constructor = constructor;
  }

  static <K, V extends Record> Builder<K, V> of(Entity<K, V> entity, String name, Class<V> type) {
    return new Builder<>(entity, name, type);
  }

  /** Collects the fields of one table, in record-component order. */
  static final class Builder<K, V extends Record> {
    private final Entity<K, V> entity;
    private final String name;
    private final Class<V> type;
    private final List<String> keyColumns = new ArrayList<>();
    private final List<String> expiryColumns = new ArrayList<>();
    private final List<Field<V, ?>> fields = new ArrayList<>();

    private Builder(Entity<K, V> entity, String name, Class<V> type) {
      this.entity = entity;
      this.name = name;
      this.type = type;
    }

    /** A key column; keys are text compared exactly (see {@link SqlRepository}). */
    Builder<K, V> key(String column, Function<V, String> getter) {
      keyColumns.add(column);
      return column(column, getter, Codec.STRING);
    }

    /**
     * A column that holds one of the entity's expiries ({@link Entity#expiries()}, in the same
     * order): garbage collection deletes the rows where any expiry column is before now.
     */
    Builder<K, V> expiry(String column, Function<V, Instant> getter) {
      expiryColumns.add(column);
      return column(column, getter, Codec.INSTANT);
    }

    <F extends @Nullable Object> Builder<K, V> column(
        String column, Function<V, F> getter, Codec<F> codec) {
      return columns(List.of(column), getter, codec);
    }

    <F extends @Nullable Object> Builder<K, V> columns(
        List<String> columns, Function<V, F> getter, Codec<F> codec) {
      fields.add(new Field<>(List.copyOf(columns), getter, codec));
      return this;
    }

    Table<K, V> build() {
      RecordComponent[] components = type.getRecordComponents();
      if (components.length != fields.size()) {
        throw new IllegalStateException(
            "table "
                + name
                + " describes "
                + fields.size()
                + " fields but "
                + type.getSimpleName()
                + " has "
                + components.length);
      }
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        Class<?> described = fields.get(i).codec().javaType();
        if (!types[i].equals(described)) {
          throw new IllegalStateException(
              "table "
                  + name
                  + " field "
                  + fields.get(i).columns()
                  + " is "
                  + described.getSimpleName()
                  + " but "
                  + type.getSimpleName()
                  + "."
                  + components[i].getName()
                  + " is "
                  + types[i].getSimpleName());
        }
      }
      if (expiryColumns.size() != entity.expiries().size()) {
        // The memory backend collects by the entity's expiries, SQL by these columns: they must
        // agree, or one backend would keep what the other deletes.
        throw new IllegalStateException(
            "table "
                + name
                + " names "
                + expiryColumns.size()
                + " expiry columns but "
                + entity.kind()
                + " has "
                + entity.expiries().size()
                + " expiries");
      }
      try {
        return new Table<>(
            entity, name, keyColumns, expiryColumns, fields, type.getDeclaredConstructor(types));
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("no canonical constructor for " + type.getName(), e);
      }
    }
  }

  List<String> allColumns() {
    return fields.stream().flatMap(f -> f.columns().stream()).toList();
  }

  private List<String> valueColumns() {
    return allColumns().stream().filter(c -> !keyColumns.contains(c)).toList();
  }

  /** Binds every column of {@link #insertSql}. */
  Params writeAll(V value, Params params) {
    for (Field<V, ?> f : fields) {
      f.write(value, params);
    }
    return params;
  }

  /** Binds the {@code set} columns of {@link #updateSql}; the caller binds the key after them. */
  Params writeValues(V value, Params params) {
    for (Field<V, ?> f : fields) {
      if (!isKey(f)) {
        f.write(value, params);
      }
    }
    return params;
  }

  private boolean isKey(Field<V, ?> f) {
    return f.columns().size() == 1 && keyColumns.contains(f.columns().get(0));
  }

  V read(Row row) throws SQLException {
    @Nullable Object[] args = new Object[fields.size()];
    for (int i = 0; i < args.length; i++) {
      Field<V, ?> f = fields.get(i);
      args[i] = f.codec().read(row, f.columns());
    }
    try {
      return constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("cannot build " + name + " row", e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + name + " row", e);
    }
  }

  /**
   * Whether this is Ferry's own table, which a Ferry migration creates from this description
   * ({@code Migrations.CreateTable}); Dex's tables come from Dex's migrations.
   */
  boolean isFerryOnly() {
    return name.startsWith("ferry_");
  }

  /**
   * The table derived from the description, for a Ferry-only table. The prefix keeps it clear of
   * any table a later Dex migration adds, as the prefix of {@code
   * client.ferry_client_credentials_groups} does for columns.
   */
  String createSql() {
    List<String> definitions = new ArrayList<>();
    for (Field<V, ?> f : fields) {
      List<String> types = f.codec().columnTypes();
      for (int i = 0; i < f.columns().size(); i++) {
        definitions.add(f.columns().get(i) + " " + types.get(i));
      }
    }
    definitions.add("primary key (" + String.join(", ", keyColumns) + ")");
    return "create table if not exists " + name + " (" + String.join(", ", definitions) + ")";
  }

  String insertSql() {
    List<String> all = allColumns();
    return "insert into "
        + name
        + " ("
        + String.join(", ", all)
        + ") values ("
        + all.stream().map(c -> "?").collect(Collectors.joining(", "))
        + ")";
  }

  String selectSql(String lockClause) {
    return "select " + String.join(", ", allColumns()) + " from " + name + where() + lockClause;
  }

  String listSql() {
    return "select "
        + String.join(", ", allColumns())
        + " from "
        + name
        + " order by "
        + String.join(", ", keyColumns);
  }

  String updateSql() {
    return "update "
        + name
        + " set "
        + valueColumns().stream().map(c -> c + " = ?").collect(Collectors.joining(", "))
        + where();
  }

  String deleteSql() {
    return "delete from " + name + where();
  }

  /**
   * Deletes the expired rows (Dex: storage/sql/crud.go GarbageCollect, {@code expiry < $1}, and
   * {@code absolute_expiry < $1 OR idle_expiry < $1} for auth sessions); bind now once per {@link
   * #expiryColumns expiry column}. Only for a table with expiry columns.
   */
  String deleteExpiredSql() {
    return "delete from "
        + name
        + " where "
        + expiryColumns.stream().map(c -> c + " < ?").collect(Collectors.joining(" or "));
  }

  /** Binds key values for the {@code where} clause. */
  static Params keys(Params params, List<String> key) {
    key.forEach(params::string);
    return params;
  }

  private String where() {
    return " where "
        + keyColumns.stream().map(c -> c + " = ?").collect(Collectors.joining(" and "));
  }
}

package dev.ferry.storage.sql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How one entity maps onto one Dex table: its key columns, its other columns, and the code that
 * writes and reads them. The generic create/get/list/update/delete in {@link SqlStorage} build
 * their statements from this, so every entity gets the same semantics.
 */
final class Table<T> {

  @FunctionalInterface
  interface Writer<T> {
    void write(T value, Params params);
  }

  @FunctionalInterface
  interface Reader<T> {
    T read(Row row) throws SQLException;
  }

  final String name;
  final String kind;
  final List<String> keyColumns;
  final List<String> valueColumns;
  final Function<T, List<String>> keyOf;
  final Writer<T> values;
  final Reader<T> reader;

  Table(
      String name,
      String kind,
      List<String> keyColumns,
      List<String> valueColumns,
      Function<T, List<String>> keyOf,
      Writer<T> values,
      Reader<T> reader) {
    this.name = name;
    this.kind = kind;
    this.keyColumns = List.copyOf(keyColumns);
    this.valueColumns = List.copyOf(valueColumns);
    this.keyOf = keyOf;
    this.values = values;
    this.reader = reader;
  }

  List<String> allColumns() {
    List<String> all = new ArrayList<>(keyColumns);
    all.addAll(valueColumns);
    return all;
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
        + valueColumns.stream().map(c -> c + " = ?").collect(Collectors.joining(", "))
        + where();
  }

  String deleteSql() {
    return "delete from " + name + where();
  }

  /** Binds key values for the {@code where} clause. */
  static Params keys(Params params, List<String> key) {
    key.forEach(params::string);
    return params;
  }

  /** A human-readable key for messages, e.g. {@code client "abc"}. */
  String describe(List<String> key) {
    return kind + " " + key.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining("/"));
  }

  private String where() {
    return " where "
        + keyColumns.stream().map(c -> c + " = ?").collect(Collectors.joining(" and "));
  }
}

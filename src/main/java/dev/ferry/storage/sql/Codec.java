package dev.ferry.storage.sql;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How one field of a record is written to and read from its column (or columns, for a value such as
 * {@code Claims} that Dex spreads over several). The codecs here are the plain ones; those that
 * encode JSON are in {@link Tables}.
 *
 * @param <F> the field's Java type
 */
interface Codec<F extends @Nullable Object> {

  /** The Java type of the field, checked against the record component at start-up. */
  Class<?> javaType();

  /**
   * The column definitions, in PostgreSQL's flavour as {@link Dialect#translate} expects, one per
   * column; used only to create a Ferry-only table (Dex's tables come from {@link Migrations}).
   */
  List<String> columnTypes();

  /** Binds the field's columns, in the order of {@code columns}. */
  void write(F value, Params params);

  F read(Row row, List<String> columns) throws SQLException;

  /** A single-column codec. */
  static <F extends @Nullable Object> Codec<F> of(
      Class<?> javaType, String columnType, Writer<F> writer, Reader<F> reader) {
    return new Codec<>() {
      @Override
      public Class<?> javaType() {
        return javaType;
      }

      @Override
      public List<String> columnTypes() {
        return List.of(columnType);
      }

      @Override
      public void write(F value, Params params) {
        writer.write(params, value);
      }

      @Override
      public F read(Row row, List<String> columns) throws SQLException {
        return reader.read(row, columns.get(0));
      }
    };
  }

  @FunctionalInterface
  interface Writer<F extends @Nullable Object> {
    void write(Params params, F value);
  }

  @FunctionalInterface
  interface Reader<F extends @Nullable Object> {
    F read(Row row, String column) throws SQLException;
  }

  Codec<String> STRING = of(String.class, "text not null", Params::string, Row::string);

  /** Text Dex keeps in a {@code bytea} column. */
  Codec<String> TEXT_BYTES = of(String.class, "bytea not null", Params::textBytes, Row::textBytes);

  Codec<Boolean> BOOL = of(boolean.class, "boolean not null", Params::bool, Row::bool);

  Codec<@Nullable Boolean> NULLABLE_BOOL =
      of(Boolean.class, "boolean", Params::nullableBool, Row::nullableBool);

  Codec<Integer> INT = of(int.class, "integer not null", Params::integer, Row::integer);

  Codec<byte[]> BYTES = of(byte[].class, "bytea not null", Params::bytes, Row::bytes);

  Codec<Instant> INSTANT = of(Instant.class, "timestamptz not null", Params::instant, Row::instant);

  Codec<@Nullable Instant> NULLABLE_INSTANT =
      of(Instant.class, "timestamptz", Params::nullableInstant, Row::nullableInstant);
}

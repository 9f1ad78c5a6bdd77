/**
 * The SQL storage backends {@code sqlite3}, {@code postgres} and {@code mysql} (Dex: storage/sql).
 * One query set written in PostgreSQL's flavour is translated by a small {@link
 * dev.ferry.storage.sql.Dialect}, exactly as Dex's "flavors" do, and the schema is Dex's: the same
 * tables, columns, JSON-in-bytea encodings and numbered {@code migrations}, so Ferry and Dex can
 * open each other's databases. Compare-and-swap updates run in SERIALIZABLE transactions that are
 * retried, a bounded number of times, after serialization failures and deadlocks.
 */
@NullMarked
package dev.ferry.storage.sql;

import org.jspecify.annotations.NullMarked;

package dev.ferry.policy;

/**
 * Where audit records go: the normal log, or a file of JSON lines ({@code audit.path}). The
 * composition root picks one.
 */
public interface AuditSink {

  /**
   * Writes the record before the client gets its answer.
   *
   * @throws java.io.UncheckedIOException when the record cannot be written: the caller then
   *     withholds an issued token (answering {@code server_error}), as Vault refuses requests it
   *     cannot audit, so no token leaves Ferry without its record
   */
  void record(AuditRecord record);

  /** Records nothing (tests and benchmarks that do not look at the trail). */
  static AuditSink discard() {
    return record -> {};
  }
}

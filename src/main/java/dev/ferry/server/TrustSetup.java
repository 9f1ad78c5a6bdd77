package dev.ferry.server;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.LogFormat;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.NoOpSubjectPolicy;
import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.policy.TrustPolicy;
import dev.ferry.storage.Storage;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Builds the token exchange's trust side from the configuration: the connectors' compiled {@code
 * trust} blocks, the single-use ledger on the shared storage, and the audit sink.
 */
final class TrustSetup {
  private TrustSetup() {}

  /** The connectors' trust blocks, compiled when the configuration was loaded. */
  static SubjectPolicy policy(FerryConfig config, Clock clock) {
    return config.trusts().isEmpty()
        ? new NoOpSubjectPolicy()
        : new TrustPolicy(config.trusts(), clock);
  }

  static ReplayLedger ledger(Storage storage) {
    return new StorageReplayLedger(storage);
  }

  /** The file of {@code audit.path}, closed with the server, or the normal log. */
  static AuditSink audit(FerryConfig config, List<AutoCloseable> opened) throws StartupException {
    Optional<String> path = config.audit().path().filter(p -> !p.isEmpty());
    if (path.isEmpty()) {
      return new LogAuditSink(config.logger().format() == LogFormat.JSON);
    }
    FileAuditSink file = FileAuditSink.open(path.get());
    opened.add(file);
    return file;
  }
}

package dev.ferry.server;

import dev.ferry.config.ConnectorConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.LogFormat;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.CompiledTrust;
import dev.ferry.policy.ConnectorTrust;
import dev.ferry.policy.NoOpSubjectPolicy;
import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.policy.TrustCompiler;
import dev.ferry.policy.TrustPolicy;
import dev.ferry.storage.Storage;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the token exchange's trust side from the configuration: the connectors' compiled {@code
 * trust} blocks, the single-use ledger on the shared storage, and the audit sink.
 */
public final class TrustSetup {
  private TrustSetup() {}

  static SubjectPolicy policy(FerryConfig config, Clock clock) {
    Map<String, ConnectorTrust> trusts = compile(config);
    return trusts.isEmpty() ? new NoOpSubjectPolicy() : new TrustPolicy(trusts, clock);
  }

  /**
   * Every configured connector's compiled {@code trust} block, by connector id. Loading the
   * configuration already compiled them and refused it on any problem, so each compiles here.
   *
   * @throws IllegalStateException when one does not, which loading should have made impossible
   */
  public static Map<String, ConnectorTrust> compile(FerryConfig config) {
    Map<String, ConnectorTrust> trusts = new LinkedHashMap<>();
    List<ConnectorConfig> connectors = config.connectors();
    for (int i = 0; i < connectors.size(); i++) {
      ConnectorConfig connector = connectors.get(i);
      if (connector.trust().isEmpty()) {
        continue;
      }
      CompiledTrust compiled =
          TrustCompiler.compile(
              "connectors[" + i + "].trust", connector.upstreamIssuer(), connector.trust().get());
      trusts.put(
          connector.id(),
          compiled
              .trust()
              .orElseThrow(
                  () -> new IllegalStateException(String.join("; ", compiled.problems()))));
    }
    return trusts;
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

package dev.ferry.config;

import java.util.Optional;

/**
 * The top-level {@code audit} section (Ferry's extension): where token-exchange audit records go.
 *
 * @param path a file that receives one JSON object per line (opened for append, created 0600);
 *     empty: the records go through the normal log
 */
public record AuditConfig(Optional<String> path) {

  public static AuditConfig toLog() {
    return new AuditConfig(Optional.empty());
  }
}

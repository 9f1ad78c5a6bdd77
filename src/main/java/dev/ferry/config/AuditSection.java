package dev.ferry.config;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The top-level {@code audit} section as written (Ferry's extension, issue 8). */
record AuditSection(@Nullable String path) {

  /**
   * The path is used as written: Dex expands environment variables only inside {@code config}
   * blocks, and Ferry's keys outside them follow the same rule (see {@link EnvExpansion}).
   */
  AuditConfig toAuditConfig() {
    return path == null || path.isEmpty()
        ? AuditConfig.toLog()
        : new AuditConfig(Optional.of(path));
  }
}

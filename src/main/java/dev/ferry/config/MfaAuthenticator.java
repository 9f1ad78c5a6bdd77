package dev.ferry.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code mfa.authenticators}.
 *
 * @param type {@code TOTP} or {@code WebAuthn}
 * @param connectorTypes connector types it applies to; empty means all
 */
public record MfaAuthenticator(
    String id, String type, ObjectNode config, List<String> connectorTypes) {
  public static final List<String> TYPES = List.of("TOTP", "WebAuthn");

  public MfaAuthenticator(
      @Nullable String id,
      @Nullable String type,
      @Nullable ObjectNode config,
      @Nullable List<String> connectorTypes) {
    this.id = Defaults.str(id);
    this.type = Defaults.str(type);
    this.config = config == null ? JsonNodeFactory.instance.objectNode() : config.deepCopy();
    this.connectorTypes = Defaults.strings(connectorTypes);
  }

  static MfaAuthenticator empty() {
    return new MfaAuthenticator(null, null, null, null);
  }

  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }
}

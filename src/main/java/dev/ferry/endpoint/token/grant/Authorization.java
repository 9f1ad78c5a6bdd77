package dev.ferry.endpoint.token.grant;

import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a grant for a person decided: who logged in through which connector, for which client and
 * scopes (Dex: server/tokens/authorization.go Authorization, without the session id, which only
 * Dex's sessions feature sets).
 *
 * @param authTime when the person logged in, for {@code auth_time}; null outside browser logins
 * @param connectorData what the connector keeps for refreshing, stored with a refresh token
 */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals.
@SuppressWarnings("ArrayRecordComponent")
record Authorization(
    Client client,
    Claims claims,
    List<String> scopes,
    String connectorId,
    String nonce,
    @Nullable Instant authTime,
    byte[] connectorData) {

  Authorization {
    scopes = List.copyOf(scopes);
  }
}

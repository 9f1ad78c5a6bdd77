package dev.ferry.token;

import dev.ferry.storage.Claims;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a grant decided about the token to mint: for whom ({@code clientId}), with which scopes and
 * identity, through which connector. The issuer turns it into Dex's claim set (Dex:
 * server/tokens/claims.go IDTokenClaims).
 */
public record TokenClaims(
    String clientId,
    List<String> scopes,
    Claims claims,
    String connectorId,
    String nonce,
    @Nullable Instant authTime) {

  public TokenClaims {
    scopes = List.copyOf(scopes);
  }
}

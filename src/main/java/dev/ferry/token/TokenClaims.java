package dev.ferry.token;

import dev.ferry.storage.Claims;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a grant decided about the token to mint: for whom ({@code clientId}), with which scopes and
 * identity, through which connector. The issuer turns it into Dex's claim set (Dex:
 * server/tokens/claims.go IDTokenClaims), plus what Ferry's trust rules add.
 *
 * @param extraClaims claims appended after Dex's, JSON-like values (String, Number, Boolean, List,
 *     Map) in order; the trust rules never name one Ferry sets itself
 * @param notAfter the token expires no later than this, even when {@code expiry.idTokens} is longer
 *     (a trust rule's {@code expiry}, the subject token's {@code exp})
 * @param audience the targets the token is for, replacing the requesting client as {@code aud} (RFC
 *     8693 §2.1 {@code audience} and {@code resource}, already checked and de-duplicated); empty:
 *     Dex's audience
 */
public record TokenClaims(
    String clientId,
    List<String> scopes,
    Claims claims,
    String connectorId,
    String nonce,
    @Nullable Instant authTime,
    Map<String, Object> extraClaims,
    Optional<Instant> notAfter,
    List<String> audience) {

  public TokenClaims {
    scopes = List.copyOf(scopes);
    extraClaims = Collections.unmodifiableMap(new LinkedHashMap<>(extraClaims));
    audience = List.copyOf(audience);
  }

  /** Dex's audience: the requesting client and the cross-client peers its scopes name. */
  public TokenClaims(
      String clientId,
      List<String> scopes,
      Claims claims,
      String connectorId,
      String nonce,
      @Nullable Instant authTime,
      Map<String, Object> extraClaims,
      Optional<Instant> notAfter) {
    this(clientId, scopes, claims, connectorId, nonce, authTime, extraClaims, notAfter, List.of());
  }

  /** Dex's claim set, nothing added. */
  public TokenClaims(
      String clientId,
      List<String> scopes,
      Claims claims,
      String connectorId,
      String nonce,
      @Nullable Instant authTime) {
    this(clientId, scopes, claims, connectorId, nonce, authTime, Map.of(), Optional.empty());
  }
}

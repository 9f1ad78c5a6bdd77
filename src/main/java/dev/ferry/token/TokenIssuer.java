package dev.ferry.token;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.json.GoJson;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.Scopes;
import dev.ferry.signer.Signer;
import dev.ferry.signer.SigningException;
import dev.ferry.storage.Client;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.StorageException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Mints Ferry's ID and access tokens with Dex's claim set, order and encodings (Dex:
 * server/tokens/issuer.go Issuer.SignIDToken, Issuer.SignAccessToken).
 *
 * <p>An access token is an ID token bound to a random value through {@code at_hash} (Dex:
 * server/tokens/issuer.go Issuer.SignAccessToken), so both kinds share one code path. The payload
 * is written by hand in Dex's JSON member order ({@code iss, sub, aud, exp, iat, jti, azp, nonce,
 * auth_time, at_hash, c_hash, email, email_verified, groups, name, preferred_username,
 * federated_claims}) and signed as bytes so that order survives.
 *
 * <p>Cross-client scopes are checked while signing, as Dex does: an unknown or untrusting peer
 * makes the whole request fail with {@code 500 server_error} rather than a 400 (Dex:
 * server/tokens/issuer.go Issuer.crossClientTrusted).
 */
public final class TokenIssuer {

  private final String issuerUrl;
  private final Signer signer;
  private final Function<String, Optional<Client>> clientLookup;
  private final Duration idTokenValidity;
  private final Clock clock;
  private final SecureRandom random;
  private final IdGenerator ids;

  public TokenIssuer(
      String issuerUrl,
      Signer signer,
      Function<String, Optional<Client>> clientLookup,
      Duration idTokenValidity,
      Clock clock,
      SecureRandom random) {
    this.issuerUrl = issuerUrl;
    this.signer = signer;
    this.clientLookup = clientLookup;
    this.idTokenValidity = idTokenValidity;
    this.clock = clock;
    this.random = random;
    this.ids = new IdGenerator(random);
  }

  /** The lifetime of every token this issuer mints ({@code expiry.idTokens}). */
  public Duration validity() {
    return idTokenValidity;
  }

  /**
   * An access token: the ID token claim set plus {@code at_hash} of a fresh random value (Dex:
   * SignAccessToken with storage.NewID()).
   */
  public IssuedToken signAccessToken(TokenClaims request) {
    return sign(request, ids.newId(), null);
  }

  /**
   * An ID token; {@code accessToken} and {@code code}, when given, add {@code at_hash} and {@code
   * c_hash}.
   */
  public IssuedToken signIdToken(
      TokenClaims request, @Nullable String accessToken, @Nullable String code) {
    return sign(request, accessToken, code);
  }

  private IssuedToken sign(
      TokenClaims request, @Nullable String accessToken, @Nullable String code) {
    Instant issuedAt = clock.instant();
    Instant expiry = issuedAt.plus(idTokenValidity);
    Instant notAfter = request.notAfter().orElse(expiry);
    if (notAfter.isBefore(expiry)) {
      // A trust rule's cap; exp is written in whole seconds, rounded down, so never later.
      expiry = notAfter.isBefore(issuedAt) ? issuedAt : notAfter;
    }
    try {
      String algorithm = signer.algorithm();
      String jti = newUuid().toString();
      List<String> audience = audience(request.clientId(), request.scopes(), request.audience());
      byte[] payload =
          payload(request, issuedAt, expiry, jti, audience, algorithm, accessToken, code);
      return new IssuedToken(signer.sign(payload), jti, audience, expiry);
    } catch (SigningException
        | UntrustedPeerException
        | IllegalArgumentException
        | StorageException e) {
      // Dex: "failed to sign token" and server_error; the cause is logged where it is rendered.
      throw new OAuthException(OAuthError.SERVER_ERROR, null, e);
    }
  }

  private byte[] payload(
      TokenClaims request,
      Instant issuedAt,
      Instant expiry,
      String jti,
      List<String> audience,
      String algorithm,
      @Nullable String accessToken,
      @Nullable String code)
      throws UntrustedPeerException {
    String clientId = request.clientId();
    checkCrossClientTrust(clientId, request.scopes());

    ObjectNode json = GoJson.mapper().createObjectNode();
    json.put("iss", issuerUrl);
    json.put("sub", SubjectCodec.encode(request.claims().userId(), request.connectorId()));
    if (audience.size() == 1) {
      json.put("aud", audience.get(0));
    } else {
      ArrayNode aud = json.putArray("aud");
      audience.forEach(aud::add);
    }
    json.put("exp", expiry.getEpochSecond());
    json.put("iat", issuedAt.getEpochSecond());
    json.put("jti", jti);
    // RFC 8693 targets: the token is for them, so azp says who asked, even for one audience.
    if (audience.size() > 1 || !request.audience().isEmpty()) {
      json.put("azp", clientId);
    }
    putIfNotEmpty(json, "nonce", request.nonce());
    Instant authTime = request.authTime();
    if (authTime != null) {
      json.put("auth_time", authTime.getEpochSecond());
    }
    if (accessToken != null && !accessToken.isEmpty()) {
      json.put("at_hash", halfHash(algorithm, accessToken));
    }
    if (code != null && !code.isEmpty()) {
      json.put("c_hash", halfHash(algorithm, code));
    }
    putScopedClaims(json, request);
    // Ferry's trust rules: after Dex's members, never one of them (checked when compiled).
    request
        .extraClaims()
        .forEach((name, value) -> json.set(name, GoJson.mapper().valueToTree(value)));
    return GoJson.compact(json);
  }

  /**
   * Claims gated by scope, in Dex's member order whatever the order of the scopes (Go struct
   * order).
   */
  private static void putScopedClaims(ObjectNode json, TokenClaims request) {
    List<String> scopes = request.scopes();
    var claims = request.claims();
    if (scopes.contains(Scopes.EMAIL)) {
      putIfNotEmpty(json, "email", claims.email());
      json.put("email_verified", claims.emailVerified());
    }
    if (scopes.contains(Scopes.GROUPS) && !claims.groups().isEmpty()) {
      ArrayNode groups = json.putArray("groups");
      claims.groups().forEach(groups::add);
    }
    if (scopes.contains(Scopes.PROFILE)) {
      putIfNotEmpty(json, "name", claims.username());
      putIfNotEmpty(json, "preferred_username", claims.preferredUsername());
    }
    if (scopes.contains(Scopes.FEDERATED_ID)) {
      ObjectNode federated = json.putObject("federated_claims");
      putIfNotEmpty(federated, "connector_id", request.connectorId());
      putIfNotEmpty(federated, "user_id", claims.userId());
    }
  }

  private void checkCrossClientTrust(String clientId, List<String> scopes)
      throws UntrustedPeerException {
    List<String> untrusted = untrustedScopes(clientId, scopes);
    if (!untrusted.isEmpty()) {
      throw new UntrustedPeerException(
          untrusted.get(0).substring(Scopes.CROSS_CLIENT_PREFIX.length()), clientId);
    }
  }

  /**
   * The cross-client scopes ({@code audience:server:client_id:<peer>}) of {@code scopes} whose peer
   * does not accept {@code clientId} ({@link #acceptsPeer}), in request order: what a grant that
   * checks scopes up front answers {@code 400 invalid_scope} with (Dex: server/grants/ grants.go
   * validateScopes, "Client can't request scope(s) %q"). Signing runs the same check.
   *
   * @throws StorageException when the client store cannot be read
   */
  public List<String> untrustedScopes(String clientId, List<String> scopes) {
    List<String> untrusted = new ArrayList<>();
    for (String scope : scopes) {
      if (scope.startsWith(Scopes.CROSS_CLIENT_PREFIX)
          && !acceptsPeer(scope.substring(Scopes.CROSS_CLIENT_PREFIX.length()), clientId)) {
        untrusted.add(scope);
      }
    }
    return List.copyOf(untrusted);
  }

  /**
   * Dex's cross-client rule: a token for {@code peerId} may be minted for {@code clientId} when it
   * is the client itself or a client whose {@code trustedPeers} lists it (Dex:
   * server/tokens/issuer.go Issuer.crossClientTrusted). The same rule admits an RFC 8693 {@code
   * audience}.
   *
   * @throws StorageException when the client store cannot be read
   */
  public boolean acceptsPeer(String peerId, String clientId) {
    if (peerId.equals(clientId)) {
      return true;
    }
    return clientLookup
        .apply(peerId)
        .map(peer -> peer.trustedPeers().contains(clientId))
        .orElse(false);
  }

  /**
   * Dex: every cross-client peer in scope order; the client itself when there is none, else the
   * client appended if absent. With RFC 8693 targets: the targets, then the peers not among them,
   * and not the client (which {@code azp} names instead).
   */
  static List<String> audience(String clientId, List<String> scopes, List<String> targets) {
    List<String> audience = new ArrayList<>(targets);
    for (String scope : scopes) {
      if (scope.startsWith(Scopes.CROSS_CLIENT_PREFIX)) {
        String peer = scope.substring(Scopes.CROSS_CLIENT_PREFIX.length());
        if (targets.isEmpty() || !audience.contains(peer)) {
          audience.add(peer);
        }
      }
    }
    if (targets.isEmpty() && (audience.isEmpty() || !audience.contains(clientId))) {
      audience.add(clientId);
    }
    return audience;
  }

  /**
   * OIDC Core §3.1.3.6: the left half of the hash that matches the signing algorithm, base64url
   * without padding.
   */
  static String halfHash(String algorithm, String value) {
    String digest =
        switch (algorithm) {
          case "RS256", "ES256", "PS256" -> "SHA-256";
          case "RS384", "ES384", "PS384" -> "SHA-384";
          case "RS512", "ES512", "PS512", "EdDSA" -> "SHA-512";
          default ->
              throw new IllegalArgumentException("unsupported signature algorithm: " + algorithm);
        };
    try {
      byte[] sum =
          MessageDigest.getInstance(digest)
              .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(Arrays.copyOf(sum, sum.length / 2));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(digest + " is missing from the JDK", e);
    }
  }

  /** A random (version 4) UUID drawn from the injected source, as Dex's {@code jti}. */
  private UUID newUuid() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    bytes[6] = (byte) ((bytes[6] & 0x0F) | 0x40);
    bytes[8] = (byte) ((bytes[8] & 0x3F) | 0x80);
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (bytes[i] & 0xFF);
      lsb = (lsb << 8) | (bytes[i + 8] & 0xFF);
    }
    return new UUID(msb, lsb);
  }

  private static void putIfNotEmpty(ObjectNode json, String name, String value) {
    if (!value.isEmpty()) {
      json.put(name, value);
    }
  }
}

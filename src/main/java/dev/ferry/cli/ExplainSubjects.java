package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import dev.ferry.cli.PolicyCommand.Subject;
import dev.ferry.cli.PolicyCommand.UsageException;
import dev.ferry.config.ConnectorConfig;
import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.cpu.CpuLane;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.server.ConnectorSetup;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The subject {@code ferry policy explain} evaluates: claims from a file, a token's claims read
 * without verification, or a token verified by the connector exactly as {@code /token} does.
 */
final class ExplainSubjects {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExplainSubjects() {}

  /** A JSON object of claims, as a token would carry them. */
  static Subject fromClaims(String text) throws UsageException {
    Map<?, ?> claims;
    try {
      Object parsed = JSON.readValue(text, Object.class);
      if (!(parsed instanceof Map<?, ?> map)) {
        throw new UsageException("--claims: expected a JSON object of claims");
      }
      claims = map;
    } catch (JsonProcessingException e) {
      throw new UsageException("--claims: not JSON: " + e.getOriginalMessage());
    }
    Map<String, Object> json = VerifiedSubject.jsonObject(claims);
    return new Subject(json, metadata(TokenTypes.ID_TOKEN, json), Optional.empty());
  }

  /** A JWT's claims, its signature not checked: what the token says, not what is proven. */
  static Subject unverified(String token) throws UsageException {
    try {
      JWT jwt = JWTParser.parse(token);
      if (jwt instanceof EncryptedJWT) {
        throw new UsageException("--token: an encrypted JWT cannot be read without its key");
      }
      Map<String, Object> json = VerifiedSubject.jsonObject(jwt.getJWTClaimsSet().toJSONObject());
      return new Subject(json, metadata(TokenTypes.ID_TOKEN, json), Optional.empty());
    } catch (ParseException e) {
      throw new UsageException("--token: not a JWT: " + e.getMessage());
    }
  }

  /**
   * The token verified by the configured connector, as {@code /token} verifies it (its keys, and
   * userinfo when configured).
   *
   * @throws UsageException when the connector cannot verify tokens, or refuses this one (the
   *     message says why)
   */
  static Subject verified(ConnectorConfig connector, String tokenType, String token)
      throws UsageException {
    String type =
        switch (tokenType) {
          case "id_token" -> TokenTypes.ID_TOKEN;
          case "access_token" -> TokenTypes.ACCESS_TOKEN;
          default ->
              throw new UsageException(
                  "--token-type: expected id_token or access_token, got " + tokenType);
        };
    Connector opened;
    try {
      opened =
          ConnectorSetup.registry(Clock.systemUTC(), CpuLane.direct(), ConnectorSetup.NO_PASSWORDS)
              .open(connector.id(), connector.type(), connector.config().toString());
    } catch (ConnectorException e) {
      throw new UsageException(
          "connector " + connector.id() + " cannot be opened: " + e.getMessage());
    }
    if (!(opened instanceof TokenIdentityConnector verifier)) {
      throw new UsageException(
          "connector " + connector.id() + " (type " + connector.type() + ") cannot verify tokens");
    }
    try {
      VerifiedSubject subject = verifier.tokenIdentity(type, token);
      return new Subject(subject.claims(), subject.token(), Optional.of(subject.identity()));
    } catch (IdentityException e) {
      throw new VerificationFailed(String.valueOf(e.getMessage()));
    }
  }

  /** The verification refused the token: explain answers "refused", not a usage error. */
  static final class VerificationFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VerificationFailed(String message) {
      super(message, null, false, false);
    }
  }

  /** The registered claims a verified token's metadata would hold (RFC 7519 §4.1). */
  private static SubjectToken metadata(String type, Map<String, Object> claims) {
    Object aud = claims.get("aud");
    List<String> audience =
        aud instanceof String s
            ? List.of(s)
            : aud instanceof List<?> list
                ? list.stream().filter(String.class::isInstance).map(String.class::cast).toList()
                : List.of();
    return new SubjectToken(
        type,
        claims.get("iss") instanceof String iss ? iss : "",
        audience,
        seconds(claims.get("iat")),
        seconds(claims.get("exp")),
        claims.get("jti") instanceof String jti ? Optional.of(jti) : Optional.empty());
  }

  /** A NumericDate; absent when it is not a number or not a representable instant. */
  private static Optional<Instant> seconds(@Nullable Object value) {
    return value instanceof Number n ? OfflineChecks.instant(n) : Optional.empty();
  }
}

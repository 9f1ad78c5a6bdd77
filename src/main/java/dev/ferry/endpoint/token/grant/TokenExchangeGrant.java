package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.Resolution;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.policy.PolicyDecision;
import dev.ferry.policy.PolicyRequest;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.token.IssuedToken;
import dev.ferry.token.TokenClaims;
import dev.ferry.token.TokenIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 8693 token exchange as Dex HEAD serves it (Dex: server/grants/tokenexchange.go). The endpoint
 * has already authenticated the client and, when {@code connector_id} is set, run the connector
 * policy. This grant runs the rest in Dex's order:
 *
 * <ol>
 *   <li>{@code subject_token_type} is the id_token or access_token URN, else {@code 400
 *       request_not_supported};
 *   <li>{@code subject_token} is non-empty, else {@code 400 invalid_request};
 *   <li>the connector can verify tokens (an empty {@code connector_id} also fails here, with the
 *       same text as an unknown one);
 *   <li>the connector verifies the subject token, else {@code 401 access_denied} with no
 *       description: the reason is logged only, so the upstream's rules are no oracle. Only a
 *       rejection ({@link IdentityException}) is a denial: an unexpected exception is a bug or an
 *       outage and reaches the endpoint as {@code 500 server_error} (an overloaded CPU pool as
 *       {@code 503});
 *   <li>the {@link SubjectPolicy} judges the verified subject (Ferry, not Dex), else its error;
 *   <li>{@code requested_token_type} is checked only now, after verification, as Dex does;
 *   <li>the token is signed with the scopes passed through unvalidated, as Dex does.
 * </ol>
 *
 * Nothing is stored; {@code audience}, {@code resource} and {@code actor_token} are ignored.
 */
public final class TokenExchangeGrant implements Grant<TokenExchangeRequest, TokenExchangeRequest> {
  private static final Logger log = LoggerFactory.getLogger(TokenExchangeGrant.class);

  private final TokenIssuer issuer;
  private final SubjectPolicy policy;
  private final Clock clock;

  /**
   * @param policy judges the verified subject before anything is signed ({@link
   *     dev.ferry.policy.NoOpSubjectPolicy} for Dex's behaviour)
   */
  public TokenExchangeGrant(TokenIssuer issuer, SubjectPolicy policy, Clock clock) {
    this.issuer = issuer;
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public String grantType() {
    return GrantTypes.TOKEN_EXCHANGE;
  }

  @Override
  public TokenExchangeRequest parse(Form form) {
    return TokenExchangeRequest.parse(form);
  }

  /** The request names its connector; Dex HEAD runs the policy only for a non-empty one. */
  @Override
  public Resolution<TokenExchangeRequest> resolve(
      Optional<Client> client, TokenExchangeRequest request) {
    return Resolution.connector(request.connectorId(), request);
  }

  @Override
  public TokenResponse handle(GrantRequest<TokenExchangeRequest> request) {
    TokenExchangeRequest exchange = request.state();
    Client client = request.authenticatedClient();
    String subjectTokenType = exchange.subjectTokenType();
    if (!subjectTokenType.equals(TokenTypes.ID_TOKEN)
        && !subjectTokenType.equals(TokenTypes.ACCESS_TOKEN)) {
      throw new OAuthException(OAuthError.REQUEST_NOT_SUPPORTED, "Invalid subject_token_type.");
    }
    String subjectToken = exchange.subjectToken();
    if (subjectToken.isEmpty()) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Missing subject_token");
    }
    String connectorId = exchange.connectorId();
    Optional<TokenIdentityConnector> connector =
        request
            .connector()
            .map(c -> c.connector())
            .filter(TokenIdentityConnector.class::isInstance)
            .map(TokenIdentityConnector.class::cast);
    if (connector.isEmpty()) {
      log.atError()
          .setMessage("connector doesn't implement token exchange")
          .addKeyValue("connector_id", connectorId)
          .log();
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Requested connector does not exist.");
    }
    VerifiedSubject subject;
    try {
      subject = connector.get().tokenIdentity(subjectTokenType, subjectToken);
    } catch (IdentityException e) {
      log.atError()
          .setMessage("failed to verify subject token")
          .addKeyValue("err", e.getMessage())
          .log();
      throw OAuthException.of(OAuthError.ACCESS_DENIED);
    }
    Identity identity = subject.identity();
    if (policy.evaluate(new PolicyRequest(client.id(), connectorId, exchange.scopes(), subject))
        instanceof PolicyDecision.Deny deny) {
      log.atError()
          .setMessage("subject denied by policy")
          .addKeyValue("connector_id", connectorId)
          .addKeyValue("client_id", client.id())
          .addKeyValue("user_id", identity.userId())
          .addKeyValue("reason", deny.reason())
          .log();
      throw new OAuthException(deny.error(), deny.description().orElse(null));
    }

    String requested = exchange.requestedTokenType();
    String requestedType = requested.isEmpty() ? TokenTypes.ACCESS_TOKEN : requested;
    logSuccess(connectorId, client, identity, subjectTokenType, requestedType);

    TokenClaims claims =
        new TokenClaims(client.id(), exchange.scopes(), claimsOf(identity), connectorId, "", null);
    IssuedToken token =
        switch (requestedType) {
          case TokenTypes.ID_TOKEN -> issuer.signIdToken(claims, null, null);
          case TokenTypes.ACCESS_TOKEN -> issuer.signAccessToken(claims);
          default ->
              throw new OAuthException(
                  OAuthError.REQUEST_NOT_SUPPORTED, "Invalid requested_token_type.");
        };
    // Dex: int(time.Until(expiry).Seconds()), so normally expiry.idTokens - 1 once a moment passed.
    long expiresIn = Duration.between(clock.instant(), token.expiry()).toSeconds();
    return TokenResponse.exchanged(token.token(), requestedType, expiresIn);
  }

  /**
   * INFO "token exchange successful" with the identity, never the token itself (Dex:
   * server/grants/tokenexchange.go tokenExchange.Authorize).
   */
  private static void logSuccess(
      String connectorId,
      Client client,
      Identity identity,
      String subjectTokenType,
      String requestedType) {
    log.atInfo()
        .setMessage("token exchange successful")
        .addKeyValue("connector_id", connectorId)
        .addKeyValue("client_id", client.id())
        .addKeyValue("user_id", identity.userId())
        .addKeyValue("username", identity.username())
        .addKeyValue("preferred_username", identity.preferredUsername())
        .addKeyValue(
            "email",
            identity.emailVerified() ? identity.email() : identity.email() + " (unverified)")
        .addKeyValue("groups", identity.groups())
        .addKeyValue("subject_token_type", subjectTokenType)
        .addKeyValue("requested_token_type", requestedType)
        .log();
  }

  /**
   * The server copies every identity field except the connector data (Dex:
   * server/tokens/refresh_store.go ClaimsFromIdentity).
   */
  private static Claims claimsOf(Identity identity) {
    return new Claims(
        identity.userId(),
        identity.username(),
        identity.preferredUsername(),
        identity.email(),
        identity.emailVerified(),
        identity.groups());
  }
}

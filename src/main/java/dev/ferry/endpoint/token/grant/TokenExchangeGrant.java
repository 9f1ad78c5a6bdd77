package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.cpu.CpuBusyException;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 8693 token exchange as Dex HEAD serves it (Dex §3). The endpoint has already authenticated
 * the client and, when {@code connector_id} is set, run the connector policy (#1-#10). This grant
 * runs the rest in Dex's order (§3.2 #11-#17):
 *
 * <ol>
 *   <li>{@code subject_token_type} is the id_token or access_token URN, else {@code 400
 *       request_not_supported};
 *   <li>{@code subject_token} is non-empty, else {@code 400 invalid_request};
 *   <li>the connector can verify tokens (an empty {@code connector_id} also fails here, with the
 *       same text as an unknown one);
 *   <li>the connector verifies the subject token, else {@code 401 access_denied} with no
 *       description: the reason is logged only, so the upstream's rules are no oracle;
 *   <li>the {@link SubjectPolicy} judges the verified subject (Ferry, not Dex), else its error;
 *   <li>{@code requested_token_type} is checked only now, after verification, as Dex does;
 *   <li>the token is signed with the scopes passed through unvalidated (§3.7).
 * </ol>
 *
 * Nothing is stored (§3.9); {@code audience}, {@code resource} and {@code actor_token} are ignored.
 */
public final class TokenExchangeGrant implements Grant {
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
  public Optional<String> connectorId(Form form) {
    return Optional.of(form.get("connector_id"));
  }

  @Override
  public TokenResponse handle(GrantRequest request) {
    Form form = request.form();
    Client client = request.authenticatedClient();
    String subjectTokenType = form.get("subject_token_type");
    if (!subjectTokenType.equals(TokenTypes.ID_TOKEN)
        && !subjectTokenType.equals(TokenTypes.ACCESS_TOKEN)) {
      throw new OAuthException(OAuthError.REQUEST_NOT_SUPPORTED, "Invalid subject_token_type.");
    }
    String subjectToken = form.get("subject_token");
    if (subjectToken.isEmpty()) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Missing subject_token");
    }
    String connectorId = form.get("connector_id");
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
    } catch (CpuBusyException e) {
      throw e; // an overload, not a verdict on the token: the endpoint answers 503
    } catch (IdentityException | RuntimeException e) {
      log.atError()
          .setMessage("failed to verify subject token")
          .addKeyValue("err", e.getMessage())
          .log();
      throw OAuthException.of(OAuthError.ACCESS_DENIED);
    }
    Identity identity = subject.identity();
    List<String> scopes = scopes(form.get("scope"));
    if (policy.evaluate(new PolicyRequest(client.id(), connectorId, scopes, subject))
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

    String requested = form.get("requested_token_type");
    String requestedType = requested.isEmpty() ? TokenTypes.ACCESS_TOKEN : requested;
    logSuccess(connectorId, client, identity, subjectTokenType, requestedType);

    TokenClaims claims =
        new TokenClaims(client.id(), scopes, claimsOf(identity), connectorId, "", null);
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

  /** Dex §3.9: INFO "token exchange successful" with the identity, never the token itself. */
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

  /** The server copies every identity field except the connector data (Dex §3.4). */
  private static Claims claimsOf(Identity identity) {
    return new Claims(
        identity.userId(),
        identity.username(),
        identity.preferredUsername(),
        identity.email(),
        identity.emailVerified(),
        identity.groups());
  }

  /** Go's {@code strings.Fields}: split on runs of Unicode white space. */
  static List<String> scopes(String scope) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= scope.length(); i++) {
      boolean space = i == scope.length() || isGoSpace(scope.charAt(i));
      if (space && start >= 0) {
        out.add(scope.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return out;
  }

  private static boolean isGoSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }
}

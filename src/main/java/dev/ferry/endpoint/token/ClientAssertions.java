package dev.ferry.endpoint.token;

import dev.ferry.connector.IdentityException;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.connector.upstream.IssuerClaim;
import dev.ferry.connector.upstream.TokenFingerprint;
import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.policy.FederatedCredential;
import dev.ferry.policy.FederatedCredentials;
import dev.ferry.policy.PolicyDecision;
import dev.ferry.policy.PolicyRequest;
import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.storage.Client;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Federated client authentication (RFC 7523 §2.2; issue 9): a client proves who it is with an
 * upstream JWT that one of its {@link FederatedCredential}s accepts.
 *
 * <p>For each connector the client's credentials name and its {@code allowedConnectors} allows
 * (those whose configured {@code tokenIssuer} equals the assertion's unverified {@code iss} first,
 * then those whose issuer only verification reveals; a connector with another issuer is skipped):
 * the connector verifies the assertion as an ID token (signature, algorithm, {@code iss}, {@code
 * exp}), the connector's token checks run through {@link SubjectPolicy#checkCredential} with
 * Ferry's own audiences (RFC 7523 §3: the {@code aud} must name Ferry's issuer or token endpoint,
 * or a {@code trust.audiences} value; {@code iat}, {@code maxTokenAge}, {@code jti}), then a
 * credential of that connector must match the verified {@code sub} exactly and its condition must
 * hold. A single-use connector's token is recorded last, at authentication: a client assertion is
 * spent by being presented (RFC 7523 §3 {@code jti}), whatever the grant then decides.
 *
 * <p>Every failure is the same {@code 401 invalid_client}; the reasons are logged with the
 * assertion's fingerprint, never the assertion.
 */
public final class ClientAssertions {
  private static final Logger log = LoggerFactory.getLogger(ClientAssertions.class);

  private final FederatedCredentials credentials;
  private final ConnectorLookup connectors;
  private final SubjectPolicy policy;
  private final ReplayLedger ledger;
  private final IssuerIdentity identity;

  /**
   * @param policy the connectors' token checks ({@code trust} blocks)
   * @param ledger records single-use assertions
   * @param identity Ferry's own audiences
   */
  public ClientAssertions(
      FederatedCredentials credentials,
      ConnectorLookup connectors,
      SubjectPolicy policy,
      ReplayLedger ledger,
      IssuerIdentity identity) {
    this.credentials = credentials;
    this.connectors = connectors;
    this.policy = policy;
    this.ledger = ledger;
    this.identity = identity;
  }

  /** Whether any client has federated credentials (else assertions are ignored, as in Dex). */
  boolean enabled() {
    return !credentials.isEmpty();
  }

  /** Whether the client has federated credentials. */
  boolean federated(String clientId) {
    return !credentials.of(clientId).isEmpty();
  }

  /**
   * @param client the stored client: its {@code allowedConnectors} bound the connectors tried
   * @param scopes the requested scopes, for the conditions' {@code request.scopes}
   * @throws OAuthException {@code 401 invalid_client} when no credential accepts the assertion
   */
  void verify(Client client, String assertion, List<String> scopes) {
    String clientId = client.id();
    List<String> reasons = new ArrayList<>();
    if (accepts(client, assertion, scopes, reasons)) {
      return;
    }
    log.atInfo()
        .setMessage("client assertion refused")
        .addKeyValue("client_id", clientId)
        .addKeyValue("assertion", TokenFingerprint.of(assertion))
        .addKeyValue("reasons", String.join("; ", reasons))
        .log();
    throw new OAuthException(OAuthError.INVALID_CLIENT, ClientAuthenticator.INVALID);
  }

  private boolean accepts(
      Client client, String assertion, List<String> scopes, List<String> reasons) {
    String clientId = client.id();
    List<FederatedCredential> own = credentials.of(clientId);
    if (own.isEmpty()) {
      reasons.add("client has no federatedCredentials");
      return false;
    }
    String issuer;
    try {
      issuer = IssuerClaim.unverified(assertion).orElse("");
    } catch (ParseException e) {
      reasons.add("client_assertion is not a signed JWT: " + e.getMessage());
      return false;
    }
    for (Candidate candidate : candidates(own, client.allowedConnectors(), issuer, reasons)) {
      VerifiedSubject verified;
      try {
        verified = candidate.connector().tokenIdentity(TokenTypes.ID_TOKEN, assertion);
      } catch (IdentityException e) {
        reasons.add("connector " + candidate.id() + ": " + e.getMessage());
        continue;
      }
      Optional<PolicyDecision.Allow> allowed =
          matched(candidate, verified, own, clientId, scopes, reasons);
      if (allowed.isEmpty()) {
        continue;
      }
      if (allowed.get().singleUse().isPresent()
          && !ledger.recordFirstUse(allowed.get().singleUse().get())) {
        reasons.add(
            "connector "
                + candidate.id()
                + ": assertion jti "
                + allowed.get().singleUse().get().jti()
                + " was already used");
        return false;
      }
      log.atInfo()
          .setMessage("client authenticated by assertion")
          .addKeyValue("client_id", clientId)
          .addKeyValue("connector_id", candidate.id())
          .addKeyValue("sub", verified.claims().get("sub"))
          .log();
      return true;
    }
    return false;
  }

  private record Candidate(String id, TokenIdentityConnector connector) {}

  /**
   * The connectors the credentials name, in configuration order: those configured with the
   * assertion's issuer first, then those whose issuer is not known without verifying. A connector
   * the client's {@code allowedConnectors} leaves out is not tried: the configuration refuses such
   * a credential, but the stored client may have changed since it was loaded.
   */
  private List<Candidate> candidates(
      List<FederatedCredential> own,
      List<String> allowedConnectors,
      String issuer,
      List<String> reasons) {
    Set<String> ids = new LinkedHashSet<>();
    own.forEach(credential -> ids.add(credential.connectorId()));
    List<Candidate> matching = new ArrayList<>();
    List<Candidate> unknown = new ArrayList<>();
    for (String id : ids) {
      if (!allowedConnectors.isEmpty() && !allowedConnectors.contains(id)) {
        reasons.add("connector " + id + " is not in the client's allowedConnectors");
        continue;
      }
      Optional<OpenedConnector> opened = connectors.get(id);
      if (opened.isEmpty()
          || !(opened.get().connector() instanceof TokenIdentityConnector connector)) {
        reasons.add("connector " + id + " is not available or cannot verify tokens");
        continue;
      }
      Optional<String> configured = connector.tokenIssuer();
      if (configured.isEmpty()) {
        unknown.add(new Candidate(id, connector));
      } else if (IssuerClaim.matches(configured.get(), issuer)) {
        matching.add(new Candidate(id, connector));
      } else {
        reasons.add(
            "connector " + id + " verifies tokens of " + configured.get() + ", not " + issuer);
      }
    }
    matching.addAll(unknown);
    return matching;
  }

  /**
   * The connector's token checks (audience, age, jti), then the client's credentials of that
   * connector: the exact {@code sub}, then the condition.
   */
  private Optional<PolicyDecision.Allow> matched(
      Candidate candidate,
      VerifiedSubject subject,
      List<FederatedCredential> own,
      String clientId,
      List<String> scopes,
      List<String> reasons) {
    PolicyDecision decision =
        policy.checkCredential(
            new PolicyRequest(clientId, candidate.id(), scopes, subject, identity.audiences()));
    if (decision instanceof PolicyDecision.Deny deny) {
      reasons.add("connector " + candidate.id() + ": " + deny.reason());
      return Optional.empty();
    }
    PolicyDecision.Allow allow = (PolicyDecision.Allow) decision;
    Object sub = subject.claims().get("sub");
    boolean anySubject = false;
    for (FederatedCredential credential : own) {
      if (!credential.connectorId().equals(candidate.id())
          || !(sub instanceof String text)
          || !credential.subject().equals(text)) {
        continue;
      }
      anySubject = true;
      Optional<String> refused =
          credential
              .condition()
              .flatMap(condition -> condition.refusal(clientId, scopes, subject.claims()));
      if (refused.isEmpty()) {
        return Optional.of(allow);
      }
      reasons.add("connector " + candidate.id() + ": " + refused.get());
    }
    if (!anySubject) {
      reasons.add(
          "connector "
              + candidate.id()
              + ": sub "
              + sub
              + " matches no federated credential of the client");
    }
    return Optional.empty();
  }
}

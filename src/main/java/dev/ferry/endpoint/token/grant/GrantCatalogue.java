package dev.ferry.endpoint.token.grant;

import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.IssuerDirectory;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.IssuerIdentity;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.storage.Storage;
import dev.ferry.token.RefreshTokens;
import dev.ferry.token.TokenIssuer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Every grant Ferry serves, in one list that the server and the tests build from. Registering a
 * grant is one entry here: its {@code grant_type} and how it is built from the {@link
 * Dependencies}. What {@code /token} serves and what start-up warns about (grant types enabled by
 * the configuration but not served) both derive from this list, so they cannot disagree.
 */
public final class GrantCatalogue {

  /**
   * What grants are built from; the composition root provides it.
   *
   * @param policy the trust rules of the connectors ({@link dev.ferry.policy.NoOpSubjectPolicy} for
   *     Dex's behaviour)
   * @param ledger records single-use subject tokens in the shared storage
   * @param audit where every token exchange's and JWT bearer grant's record goes
   * @param identity how RFC 7523 assertions name Ferry in their {@code aud}, which no token
   *     exchange or JWT bearer target may name
   * @param directory routes an assertion without {@code connector_id} by its {@code iss}
   * @param storage where authorization codes are redeemed and offline sessions read
   * @param connectors the opened connectors, for the grants that look one up themselves
   *     (authorization code decides on a refresh token by its code's connector)
   * @param refreshTokens issues, looks up and rotates refresh tokens ({@code expiry.refreshTokens})
   * @param passwordConnector {@code oauth2.passwordConnector}, or "" when unset
   */
  public record Dependencies(
      TokenIssuer issuer,
      SubjectPolicy policy,
      ReplayLedger ledger,
      AuditSink audit,
      TokenExchangeMetrics metrics,
      Clock clock,
      IssuerIdentity identity,
      IssuerDirectory directory,
      Storage storage,
      ConnectorLookup connectors,
      RefreshTokens refreshTokens,
      String passwordConnector) {

    PersonTokens personTokens() {
      return new PersonTokens(issuer, refreshTokens, clock);
    }
  }

  private record Entry(String grantType, Function<Dependencies, Grant<?, ?>> factory) {}

  private static final List<Entry> ENTRIES =
      List.of(
          new Entry(
              GrantTypes.TOKEN_EXCHANGE,
              d ->
                  new TokenExchangeGrant(
                      d.issuer(),
                      d.policy(),
                      d.ledger(),
                      d.audit(),
                      d.metrics(),
                      d.clock(),
                      d.identity())),
          new Entry(
              GrantTypes.CLIENT_CREDENTIALS,
              d -> new ClientCredentialsGrant(d.issuer(), d.audit(), d.metrics(), d.clock())),
          new Entry(
              GrantTypes.JWT_BEARER,
              d ->
                  new JwtBearerGrant(
                      d.issuer(),
                      d.policy(),
                      d.ledger(),
                      d.audit(),
                      d.metrics(),
                      d.clock(),
                      d.identity(),
                      d.directory())),
          new Entry(
              GrantTypes.AUTHORIZATION_CODE,
              d ->
                  new AuthorizationCodeGrant(
                      d.storage(), d.connectors(), d.personTokens(), d.clock())),
          new Entry(
              GrantTypes.REFRESH_TOKEN,
              d -> new RefreshTokenGrant(d.storage(), d.refreshTokens(), d.issuer(), d.clock())),
          new Entry(
              GrantTypes.PASSWORD,
              d -> new PasswordGrant(d.issuer(), d.personTokens(), d.passwordConnector())));

  private GrantCatalogue() {}

  /** The grant types Ferry serves. */
  public static Set<String> servedGrantTypes() {
    Set<String> types = new LinkedHashSet<>();
    for (Entry entry : ENTRIES) {
      types.add(entry.grantType());
    }
    return Set.copyOf(types);
  }

  /**
   * Builds every grant of the catalogue.
   *
   * @throws IllegalStateException when a grant does not serve the type it is listed under, which
   *     would make the start-up warnings lie
   */
  public static List<Grant<?, ?>> build(Dependencies dependencies) {
    List<Grant<?, ?>> grants = new ArrayList<>();
    for (Entry entry : ENTRIES) {
      Grant<?, ?> grant = entry.factory().apply(dependencies);
      if (!grant.grantType().equals(entry.grantType())) {
        throw new IllegalStateException(
            "grant listed as " + entry.grantType() + " serves " + grant.grantType());
      }
      grants.add(grant);
    }
    return List.copyOf(grants);
  }
}

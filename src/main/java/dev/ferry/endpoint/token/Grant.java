package dev.ferry.endpoint.token;

import dev.ferry.http.Form;
import dev.ferry.storage.Client;
import java.util.Optional;

/**
 * One grant type served at the token endpoint. The endpoint owns the steps every grant shares and
 * runs them in Dex's order (Dex: server/handlers.go handleToken): client authentication, {@link
 * #parse}, {@link #resolve}, the connector policy on the connector {@code resolve} named, then
 * {@link #handle}. A grant fills in only what is its own and cannot skip the policy: it never sees
 * a connector the policy did not pass.
 *
 * @param <R> the grant's typed request, read from the form by {@link #parse}
 * @param <S> what {@link #handle} works on: the request itself, or the request with the stored
 *     state {@link #resolve} looked up (an authorization code, a refresh token)
 */
public interface Grant<R, S> {

  /** The {@code grant_type} value this grant serves. */
  String grantType();

  /**
   * Whether the client must authenticate first; only {@code device_code} does not (Dex:
   * server/handlers.go handleToken).
   */
  default boolean authenticatesClient() {
    return true;
  }

  /**
   * Reads the grant's parameters from the form into its typed request. Parsing only reads: it never
   * rejects, so every check still runs where Dex runs it (in {@link #resolve} or {@link #handle}).
   */
  R parse(Form form);

  /**
   * Finds the connector this request authenticates against, after client authentication and before
   * the connector policy (Dex HEAD: server/grants dispatch). A grant with the connector in its
   * request names it; a grant with stored state looks the state up, checks that it belongs to
   * {@code client}, and names the connector stored with it; a grant without a connector says so.
   * Failures are thrown as {@link dev.ferry.oauth2.OAuthException}.
   *
   * @param client the authenticated client; empty only when {@link #authenticatesClient} is false
   */
  Resolution<S> resolve(Optional<Client> client, R request);

  /**
   * Runs the grant. Protocol failures are thrown as {@link dev.ferry.oauth2.OAuthException}; the
   * endpoint renders them.
   */
  TokenResponse handle(GrantRequest<S> request);

  /**
   * Told when the shared steps refused the request before {@link #handle} ran (client
   * authentication, {@link #resolve}, the connector policy), so that a grant which audits every
   * request (token exchange) sees those refusals too. Must not throw.
   *
   * @param client the authenticated client, when authentication itself did not fail
   */
  default void refusedBeforeHandling(
      RequestContext context, Form form, Optional<Client> client, RuntimeException error) {}
}

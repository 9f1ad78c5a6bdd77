package dev.ferry.connector.mock;

import dev.ferry.connector.CallbackConnector;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.RefreshConnector;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Dex's {@code mockCallback} connector: its token identity ignores the token and its type and
 * always returns the identity of Dex's server tests (Dex: server/helpers_test.go newTestServer,
 * connector/mock/connectortest.go Callback.TokenIdentity), whose {@code sub} with connector {@code
 * mock} is {@code Cg0wLTM4NS0yODA4OS0wEgRtb2Nr}. Nothing is verified, so the subject has no claims
 * and no issuer.
 */
public final class MockCallbackConnector
    implements TokenIdentityConnector, CallbackConnector, RefreshConnector {
  /** The identity every token maps to. */
  public static final Identity IDENTITY =
      new Identity(
          "0-385-28089-0",
          "Kilgore Trout",
          "",
          "kilgore@kilgore.trout",
          true,
          List.of("authors"),
          "foobar".getBytes(StandardCharsets.UTF_8));

  /**
   * Sends the browser straight back to Ferry's callback with the state (Dex: Callback.LoginURL): a
   * login that needs no upstream.
   */
  @Override
  public LoginRedirect loginUrl(ConnectorScopes scopes, String callbackUrl, String state) {
    String separator = callbackUrl.contains("?") ? "&" : "?";
    return new LoginRedirect(
        callbackUrl + separator + "state=" + URLEncoder.encode(state, StandardCharsets.UTF_8),
        new byte[0]);
  }

  @Override
  public Identity handleCallback(
      ConnectorScopes scopes, byte[] connectorData, Map<String, String> query) {
    return IDENTITY;
  }

  @Override
  public Identity refresh(ConnectorScopes scopes, Identity identity) {
    return IDENTITY;
  }

  @Override
  public VerifiedSubject tokenIdentity(String subjectTokenType, String subjectToken) {
    return new VerifiedSubject(SubjectToken.opaque(subjectTokenType, ""), Map.of(), IDENTITY);
  }
}

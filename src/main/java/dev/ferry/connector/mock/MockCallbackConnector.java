package dev.ferry.connector.mock;

import dev.ferry.connector.Identity;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import java.util.List;
import java.util.Map;

/**
 * Dex's {@code mockCallback} connector: its token identity ignores the token and its type and
 * always returns the identity of Dex's server tests (Dex: server/helpers_test.go newTestServer,
 * connector/mock/connectortest.go Callback.TokenIdentity), whose {@code sub} with connector {@code
 * mock} is {@code Cg0wLTM4NS0yODA4OS0wEgRtb2Nr}. Nothing is verified, so the subject has no claims
 * and no issuer.
 */
public final class MockCallbackConnector implements TokenIdentityConnector {
  /** The identity every token maps to. */
  public static final Identity IDENTITY =
      new Identity(
          "0-385-28089-0",
          "Kilgore Trout",
          "",
          "kilgore@kilgore.trout",
          true,
          List.of("authors"),
          new byte[0]);

  @Override
  public VerifiedSubject tokenIdentity(String subjectTokenType, String subjectToken) {
    return new VerifiedSubject(SubjectToken.opaque(subjectTokenType, ""), Map.of(), IDENTITY);
  }
}

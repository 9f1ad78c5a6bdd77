package dev.ferry.endpoint.token.grant;

import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.storage.Pkce;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The {@code code_verifier} check of RFC 7636 §4.6 with Dex's errors (Dex: server/grants/pkce.go
 * verifyPKCE; server/oauth2/pkce.go CalculateCodeChallenge).
 */
final class PkceCheck {
  private PkceCheck() {}

  static void verify(String codeVerifier, Pkce pkce) {
    if (!codeVerifier.isEmpty() && !pkce.codeChallenge().isEmpty()) {
      if (!pkce.codeChallenge().equals(challenge(codeVerifier, pkce.codeChallengeMethod()))) {
        throw new OAuthException(OAuthError.INVALID_GRANT, "Invalid code_verifier.");
      }
    } else if (!codeVerifier.isEmpty()) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST, "No PKCE flow started. Cannot check code_verifier.");
    } else if (!pkce.codeChallenge().isEmpty()) {
      throw new OAuthException(
          OAuthError.INVALID_GRANT, "Expecting parameter code_verifier in PKCE flow.");
    }
  }

  /** A stored method other than {@code plain} and {@code S256} is Dex's 500 server_error. */
  private static String challenge(String verifier, String method) {
    return switch (method) {
      case "plain" -> verifier;
      case "S256" -> {
        try {
          byte[] sum =
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.UTF_8));
          yield Base64.getUrlEncoder().withoutPadding().encodeToString(sum);
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
      }
      default ->
          throw new OAuthException(
              OAuthError.SERVER_ERROR,
              null,
              new IllegalStateException("unknown challenge method (" + method + ")"));
    };
  }
}

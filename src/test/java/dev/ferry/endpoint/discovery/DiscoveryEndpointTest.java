package dev.ferry.endpoint.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.signer.Signer;
import dev.ferry.signer.SigningException;
import java.net.http.HttpResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The discovery document, byte for byte as Dex HEAD writes it (Dex: server/discovery/discovery.go
 * Handler.Construct; server/server_discovery_test.go TestHandleDiscovery).
 */
class DiscoveryEndpointTest {
  private static final List<String> DEX_DEFAULT_GRANTS =
      List.of(
          GrantTypes.TOKEN_EXCHANGE,
          GrantTypes.REFRESH_TOKEN,
          GrantTypes.DEVICE_CODE,
          GrantTypes.AUTHORIZATION_CODE);

  private static final String DEX_EXAMPLE =
      """
      {
        "issuer": "https://dex.example.com",
        "authorization_endpoint": "https://dex.example.com/auth",
        "token_endpoint": "https://dex.example.com/token",
        "jwks_uri": "https://dex.example.com/keys",
        "userinfo_endpoint": "https://dex.example.com/userinfo",
        "device_authorization_endpoint": "https://dex.example.com/device/code",
        "introspection_endpoint": "https://dex.example.com/token/introspect",
        "grant_types_supported": [
          "authorization_code",
          "refresh_token",
          "urn:ietf:params:oauth:grant-type:device_code",
          "urn:ietf:params:oauth:grant-type:token-exchange"
        ],
        "response_types_supported": [
          "code"
        ],
        "subject_types_supported": [
          "public"
        ],
        "id_token_signing_alg_values_supported": [
          "RS256"
        ],
        "code_challenge_methods_supported": [
          "S256",
          "plain"
        ],
        "scopes_supported": [
          "openid",
          "email",
          "groups",
          "profile",
          "offline_access"
        ],
        "token_endpoint_auth_methods_supported": [
          "client_secret_basic",
          "client_secret_post"
        ],
        "claims_supported": [
          "iss",
          "sub",
          "aud",
          "iat",
          "exp",
          "email",
          "email_verified",
          "locale",
          "name",
          "preferred_username",
          "at_hash",
          "groups",
          "federated_claims"
        ]
      }\
      """
          .stripIndent();

  @Test
  void dexExampleByteForByte() throws Exception {
    try (WebFixture ferry =
        WebFixture.builder()
            .issuer("https://dex.example.com")
            .grantTypes(DEX_DEFAULT_GRANTS)
            .build()) {
      HttpResponse<String> response = ferry.get("/.well-known/openid-configuration");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(response.body()).isEqualTo(DEX_EXAMPLE);
      assertThat(response.headers().firstValue("Content-Length"))
          .hasValue(Integer.toString(DEX_EXAMPLE.length()));
    }
  }

  @Test
  void issuerPathPrefixesEndpointsAndTheIssuerIsVerbatim() throws Exception {
    try (WebFixture ferry = WebFixture.builder().issuer("http://127.0.0.1:5556/dex/").build()) {
      String body = ferry.get("/.well-known/openid-configuration").body();
      assertThat(body)
          .contains("\"issuer\": \"http://127.0.0.1:5556/dex/\",")
          .contains("\"token_endpoint\": \"http://127.0.0.1:5556/dex/token\",")
          .contains("\"introspection_endpoint\": \"http://127.0.0.1:5556/dex/token/introspect\",");
      assertThat(ferry.get("/token/").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void algorithmComesFromTheSignerAndFallsBackToRs256() throws Exception {
    try (WebFixture ferry =
        WebFixture.builder().signer(signer("ES256")).grantTypes(List.of()).build()) {
      assertThat(ferry.get("/.well-known/openid-configuration").body())
          .contains("\"id_token_signing_alg_values_supported\": [\n    \"ES256\"\n  ]")
          .contains("\"grant_types_supported\": [],");
    }
    try (WebFixture ferry = WebFixture.builder().signer(signer(null)).build()) {
      assertThat(ferry.get("/.well-known/openid-configuration").body())
          .contains("\"id_token_signing_alg_values_supported\": [\n    \"RS256\"\n  ]");
    }
  }

  private static Signer signer(@Nullable String algorithm) {
    return new Signer() {
      @Override
      public String sign(byte[] payload) throws SigningException {
        throw new SigningException("not used");
      }

      @Override
      public String algorithm() throws SigningException {
        if (algorithm == null) {
          throw new SigningException("no key yet");
        }
        return algorithm;
      }

      @Override
      public JWKSet publicKeys() {
        return new JWKSet();
      }
    };
  }
}

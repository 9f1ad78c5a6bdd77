package dev.ferry.endpoint.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.signer.Signer;
import dev.ferry.signer.SigningException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /keys}: headers, key order, go-jose member order, and the no-key error page. */
class KeysEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Signer signerWith(List<JWK> keys) {
    return new Signer() {
      @Override
      public String sign(byte[] payload) throws SigningException {
        throw new SigningException("not used");
      }

      @Override
      public String algorithm() {
        return "RS256";
      }

      @Override
      public JWKSet publicKeys() {
        return new JWKSet(keys);
      }
    };
  }

  @Test
  void currentKeyFirstThenVerificationKeysInGoJoseOrder() throws Exception {
    ECKey retired =
        new ECKeyGenerator(Curve.P_256)
            .keyID("retired")
            .algorithm(JWSAlgorithm.ES256)
            .keyUse(KeyUse.SIGNATURE)
            .generate();
    JWK current = WebFixture.key();
    try (WebFixture ferry =
        WebFixture.builder().signer(signerWith(List.of(current, retired))).build()) {
      HttpResponse<String> response = ferry.get("/keys");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Cache-Control"))
          .hasValue("max-age=600, must-revalidate");
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(response.body()).startsWith("{\n  \"keys\": [\n    {\n      \"use\": \"sig\",\n");
      JsonNode keys = JSON.readTree(response.body()).get("keys");
      assertThat(keys).hasSize(2);
      assertThat(names(keys.get(0))).containsExactly("use", "kty", "kid", "alg", "n", "e");
      assertThat(keys.get(0).get("kid").asText()).isEqualTo(current.getKeyID());
      assertThat(names(keys.get(1))).containsExactly("use", "kty", "kid", "crv", "alg", "x", "y");
      assertThat(response.body()).doesNotContain("\"d\"").doesNotContain("\"p\"");
    }
  }

  @Test
  void noKeysIsDexsHtmlErrorPage() throws Exception {
    try (WebFixture ferry = WebFixture.builder().signer(signerWith(List.of())).build()) {
      HttpResponse<String> response = ferry.get("/keys");
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("text/html; charset=utf-8");
      assertThat(response.body()).contains("Internal server error.");
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}

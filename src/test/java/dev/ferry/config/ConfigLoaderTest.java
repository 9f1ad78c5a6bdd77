package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  @Test
  void smoke() throws Exception {
    FerryConfig c =
        Fixtures.load(
            Fixtures.MINIMAL
                + """
                staticClients:
                - id: a
                  name: A
                  secret: s
                  redirectURIs: x
                - nope
                Web2: 1
                """,
            Map.of());
    assertThat(c).isNotNull();
  }

  @Test
  void smokeProblems() {
    System.out.println(
        Fixtures.problems(
            """
            Issuer: https://dex.example.com
            storage:
              type: memory
              config: [1]
            web:
              htp: 1
              http: [a]
              allowedOrigins: x
              headers: 3
            expiry:
              idTokens: 1d
              refreshTokens:
                reuseInterval: {a: 1}
            logger:
              level: loud
            staticClients:
            - id: a
              name: A
              secret: s
              redirectURIs: x
              public: maybe
            - nope
            - name: B
              foo: bar
            """,
            Map.of("DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS", "true")));
  }
}

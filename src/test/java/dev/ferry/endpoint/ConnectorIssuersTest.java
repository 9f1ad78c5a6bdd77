package dev.ferry.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.storage.Connector;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.testing.MutableClock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Routing by {@code iss} follows the verifier's issuer rule, Google's short issuer included. */
class ConnectorIssuersTest {

  private record Issuing(String issuer) implements TokenIdentityConnector {
    @Override
    public VerifiedSubject tokenIdentity(String type, String token) {
      throw new UnsupportedOperationException("routing only");
    }

    @Override
    public Optional<String> tokenIssuer() {
      return Optional.of(issuer);
    }
  }

  @Test
  void anIssIsRoutedToTheConnectorsWhoseVerifierAcceptsIt() {
    MemoryStorage storage = new MemoryStorage();
    Map<String, String> issuers =
        Map.of("google", "https://accounts.google.com", "kube", "https://kube.example");
    for (String id : List.of("google", "kube")) {
      storage.connectors().create(new Connector(id, "oidc", id, "1", "{}", List.of()));
    }
    ConnectorIssuers directory =
        new ConnectorIssuers(
            storage,
            id ->
                storage
                    .connectors()
                    .get(id)
                    .map(definition ->
                        new OpenedConnector(definition, new Issuing(issuers.getOrDefault(id, "")))),
            MutableClock.atFixedStart());

    assertThat(directory.connectorsFor("https://accounts.google.com")).containsExactly("google");
    // go-oidc: Google's ID tokens may carry the issuer without its scheme; the verifier takes them.
    assertThat(directory.connectorsFor("accounts.google.com")).containsExactly("google");
    assertThat(directory.connectorsFor("https://kube.example")).containsExactly("kube");
    assertThat(directory.connectorsFor("kube.example")).isEmpty();
    assertThat(directory.connectorsFor("https://kube.example/")).isEmpty();
  }
}

package dev.ferry.connector.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.Identity;
import dev.ferry.connector.TokenIdentityConnector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dex's mockCallback connector (Dex: connector/mock/connectortest.go Callback.TokenIdentity). */
class MockCallbackConnectorTest {

  @ParameterizedTest
  @CsvSource({
    "urn:ietf:params:oauth:token-type:id_token, foobar",
    "urn:ietf:params:oauth:token-type:access_token, ''",
    "anything, anything"
  })
  void everyTokenIsKilgoreTrout(String type, String token) throws Exception {
    TokenIdentityConnector c =
        (TokenIdentityConnector) new MockCallbackConnectorFactory().open("mock", "{}");
    Identity id = c.tokenIdentity(type, token).identity();
    assertThat(id.userId()).isEqualTo("0-385-28089-0");
    assertThat(id.username()).isEqualTo("Kilgore Trout");
    assertThat(id.preferredUsername()).isEmpty();
    assertThat(id.email()).isEqualTo("kilgore@kilgore.trout");
    assertThat(id.emailVerified()).isTrue();
    assertThat(id.groups()).containsExactly("authors");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "not json", "{\"a\":"})
  void configThatIsNotJsonFailsToOpen(String config) {
    assertThatThrownBy(() -> new MockCallbackConnectorFactory().open("mock", config))
        .isInstanceOf(ConnectorException.class)
        .hasMessageStartingWith("parse connector config");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{}", "{\"unknown\":1}"})
  void typeAndConfigs(String config) throws Exception {
    MockCallbackConnectorFactory factory = new MockCallbackConnectorFactory();
    assertThat(factory.type()).isEqualTo("mockCallback");
    assertThat(factory.open("mock", config)).isInstanceOf(MockCallbackConnector.class);
  }
}

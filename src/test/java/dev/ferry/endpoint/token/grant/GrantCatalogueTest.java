package dev.ferry.endpoint.token.grant;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.IssuerIdentity;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.NoOpSubjectPolicy;
import dev.ferry.signer.StaticSigner;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.token.RefreshPolicy;
import dev.ferry.token.RefreshTokens;
import dev.ferry.token.TokenIssuer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GrantCatalogueTest {

  @Test
  void servedGrantTypesAreTheTypesOfTheBuiltGrants() {
    RSAKey key = WebFixture.key();
    Clock clock = Clock.fixed(WebFixture.START, ZoneOffset.UTC);
    MemoryStorage storage = new MemoryStorage();
    TokenIssuer issuer =
        new TokenIssuer(
            "https://ferry.example",
            new StaticSigner(key),
            storage.clients()::get,
            Duration.ofHours(1),
            clock,
            new SecureRandom());

    assertThat(
            GrantCatalogue.build(
                    new GrantCatalogue.Dependencies(
                        issuer,
                        new NoOpSubjectPolicy(),
                        use -> true,
                        AuditSink.discard(),
                        TokenExchangeMetrics.unregistered(),
                        clock,
                        IssuerIdentity.of("https://ferry.example"),
                        unusedIssuer -> List.of(),
                        storage,
                        unusedId -> Optional.empty(),
                        new RefreshTokens(
                            storage,
                            RefreshPolicy.DEFAULT,
                            clock,
                            new IdGenerator(new SecureRandom())),
                        ""))
                .stream()
                .map(Grant::grantType))
        .containsExactlyInAnyOrderElementsOf(GrantCatalogue.servedGrantTypes());
  }

  @Test
  void everyGrantButDeviceCodeIsServed() {
    assertThat(GrantCatalogue.servedGrantTypes())
        .containsExactlyInAnyOrder(
            GrantTypes.TOKEN_EXCHANGE,
            GrantTypes.CLIENT_CREDENTIALS,
            GrantTypes.JWT_BEARER,
            GrantTypes.AUTHORIZATION_CODE,
            GrantTypes.REFRESH_TOKEN,
            GrantTypes.PASSWORD);
  }
}

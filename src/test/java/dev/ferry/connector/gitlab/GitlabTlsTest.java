package dev.ferry.connector.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.IdentityException;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.testing.UpstreamIssuer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code rootCAData}: a GitLab with a private CA is trusted only when its root is configured. */
class GitlabTlsTest {

  private FakeGitlab gitlab;

  @BeforeEach
  void start() {
    gitlab = FakeGitlab.start(true);
    gitlab.userInfo(Map.of("groups", List.of("team-1")));
  }

  @AfterEach
  void stop() {
    gitlab.close();
  }

  @Test
  void aPrivateCaIsTrustedThroughRootCaData() throws Exception {
    String rootCaData =
        Base64.getEncoder()
            .encodeToString(UpstreamIssuer.testCaPem().getBytes(StandardCharsets.US_ASCII));
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of("rootCAData", rootCaData))) {
      assertThat(
              connector
                  .tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN)
                  .identity()
                  .groups())
          .containsExactly("team-1");
    }
  }

  @Test
  void withoutRootCaDataThePrivateCaIsNotTrusted() throws Exception {
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of())) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageStartingWith("gitlab: get user: GET ")
          .hasMessageContaining("SSLHandshakeException");
    }
    assertThat(gitlab.requests()).isEmpty();
  }
}

package dev.ferry.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Text}: server-provided text as one safe line. */
class TextTest {
  private static final String JWS =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJyZXBvOm9jdG8vYXBwIn0.c2lnbmF0dXJl";

  @Test
  void jwtShapedTextIsRedacted() {
    assertThat(Text.clean("got subject_token=" + JWS + "&x=1"))
        .isEqualTo("got subject_token=[redacted]&x=1");
    // A JWE has five parts; a header may start with a line break ("ew").
    assertThat(Text.clean("a ewogICJhbGciOiJkaXIifQ..aXY.Y2lwaGVy.dGFn b"))
        .isEqualTo("a [redacted] b");
    // A control character between the parts does not hide the token.
    assertThat(Text.clean(JWS.replace(".eyJzdWIi", ".\u0007eyJzdWIi"))).isEqualTo("[redacted]");
  }

  @Test
  void aTokenIsRedactedBeforeTheLineIsCut() {
    String cut = Text.clean("x".repeat(Text.MAX_CHARS - 20) + " " + JWS);

    assertThat(cut).isEqualTo("x".repeat(Text.MAX_CHARS - 20) + " [redacted]");
  }

  @Test
  void hostNamesAndUrlsAreLeftAlone() {
    for (String text :
        new String[] {
          "https://eyes.example.com/dex",
          "https://kubernetes.default-svc.cluster.local:443",
          "eyewitness-report.example.com",
          "eyewitnessreport.example.com",
          "version 1.2.3"
        }) {
      assertThat(Text.clean(text)).isEqualTo(text);
    }
  }
}

package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.signer.LocalSigner;
import dev.ferry.storage.Keys;
import dev.ferry.storage.sql.Dialect;
import dev.ferry.storage.sql.TestDatabase;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Ferry replicas of one issuer on one PostgreSQL database (issue: many replicas, one
 * database). Time is one injected clock shared by the replicas and the upstream issuer, so each
 * rotation period is a step of the clock, not a wait. Every token issued by any replica must verify
 * against every replica's {@code /keys}, across several rotations, and each period must rotate the
 * keys exactly once whichever replica notices first.
 */
class ReplicasOnOneDatabaseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PERIOD = Duration.ofHours(6);
  private static final String ID = "urn:ietf:params:oauth:token-type:id_token";

  @RegisterExtension
  static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.POSTGRES);

  @TempDir static Path dir;
  private static MutableClock clock;
  private static UpstreamIssuer upstream;
  private static final List<RunningFerry> replicas = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    TestDatabase db = DB.get();
    clock = new MutableClock(Instant.now());
    upstream = UpstreamIssuer.builder().clock(clock).userInfo(false).start();
    String yaml = replicaConfig(db, upstream.issuer());
    int first = RunningFerry.freePort();
    String issuer = "http://127.0.0.1:" + first + "/dex";
    replicas.add(RunningFerry.start(dir, yaml, clock, issuer, first));
    replicas.add(RunningFerry.start(dir, yaml, clock, issuer, RunningFerry.freePort()));
    replicas.add(RunningFerry.start(dir, yaml, clock, issuer, RunningFerry.freePort()));
  }

  static String replicaConfig(TestDatabase db, String upstreamIssuer) {
    return """
    issuer: ${ISSUER}
    storage:
      type: postgres
      config:
        host: 127.0.0.1
        port: 5432
        database: %s
        user: postgres
        ssl:
          mode: disable
    web:
      http: ${WEB}
    telemetry:
      http: ${TELEMETRY}
    signer:
      type: local
      config:
        keysRotationPeriod: 6h
    connectors:
    - type: oidc
      id: ci
      name: CI
      config:
        issuer: %s
        scopes: [openid]
        userNameKey: sub
    staticClients:
    - id: my-app
      name: My App
      secret: my-secret
      public: true
    """
        .formatted(db.name, upstreamIssuer);
  }

  @AfterAll
  static void stop() {
    replicas.forEach(RunningFerry::close);
    if (upstream != null) {
      upstream.close();
    }
  }

  private static String exchange(RunningFerry replica, String subject) throws Exception {
    HttpResponse<String> response =
        replica.postForm(
            "/token",
            RunningFerry.guideForm("ci", upstream.token().subject(subject).build(), ID),
            "my-app:my-secret");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).get("access_token").asText();
  }

  private static String keysOf(RunningFerry replica) throws Exception {
    HttpResponse<String> response = replica.get("/keys");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static boolean verifies(String jwt, String jwksJson) throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setCompactSerialization(jwt);
    JsonWebKeySet keys = new JsonWebKeySet(jwksJson);
    jws.setKey(new JwksVerificationKeyResolver(keys.getJsonWebKeys()).resolveKey(jws, List.of()));
    return jws.verifySignature();
  }

  private static Keys storedKeys() {
    return replicas.get(0).server.storage().getKeys().orElseThrow();
  }

  private static String kid(String jwksJson) throws Exception {
    JsonNode keys = JSON.readTree(jwksJson).get("keys");
    return keys.get(0).get("kid").asText();
  }

  @Test
  void tokensFromAnyReplicaVerifyEverywhereAcrossRotationsAndEachPeriodRotatesOnce()
      throws Exception {
    List<String> tokens = new ArrayList<>();
    List<String> signingKids = new ArrayList<>();
    signingKids.add(kid(keysOf(replicas.get(0))));
    for (int round = 0; round <= 4; round++) {
      if (round > 0) {
        clock.advance(PERIOD);
        // Each replica's 30-second tick, in a different order every round.
        List<LocalSigner.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
          RunningFerry replica = replicas.get((round + i) % replicas.size());
          outcomes.add(replica.server.signer().rotateIfDue());
        }
        // The replicas' own schedulers may have ticked on the shared clock too; either way the
        // storage shows exactly one new key for the period (below), and nobody failed.
        assertThat(outcomes).doesNotContain(LocalSigner.Outcome.FAILED);
        assertThat(outcomes).filteredOn(o -> o == LocalSigner.Outcome.ROTATED).hasSizeLessThan(2);
      }
      Keys stored = storedKeys();
      assertThat(stored.nextRotation()).isAfter(clock.instant());
      // One retired key per rotation so far (all still within the 24h token lifetime): a period
      // that rotated twice would have retired one key more.
      assertThat(stored.verificationKeys()).hasSize(round);

      List<String> jwks = new ArrayList<>();
      for (RunningFerry replica : replicas) {
        jwks.add(keysOf(replica));
      }
      assertThat(jwks).as("every replica publishes the same keys").containsOnly(jwks.get(0));
      if (round > 0) {
        String current = kid(jwks.get(0));
        assertThat(signingKids).doesNotContain(current);
        signingKids.add(current);
      }

      for (int i = 0; i < replicas.size(); i++) {
        tokens.add(exchange(replicas.get(i), "repo:acme/app:run:" + round + ":" + i));
      }
      for (String token : tokens) {
        for (String keys : jwks) {
          assertThat(verifies(token, keys)).isTrue();
        }
      }
    }
    assertThat(signingKids).hasSize(5).doesNotHaveDuplicates();
  }

  @Test
  void eachReplicaReportsTheStorageReady() throws Exception {
    for (RunningFerry replica : replicas) {
      assertThat(replica.server.checkStorageHealth()).isTrue();
      assertThat(replica.get(replica.telemetry() + "/healthz/ready?type=short").body())
          .contains("\"storage\"")
          .contains("PASS");
    }
  }
}

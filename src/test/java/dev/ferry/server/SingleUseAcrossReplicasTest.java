package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.storage.sql.Dialect;
import dev.ferry.storage.sql.TestDatabase;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trust.singleUse} across two Ferry servers on one PostgreSQL database: a token exchanged on
 * one replica is refused on the other, and of many concurrent first uses spread over both, exactly
 * one gets a token.
 */
class SingleUseAcrossReplicasTest {
  private static final String ID = "urn:ietf:params:oauth:token-type:id_token";

  @RegisterExtension
  static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.POSTGRES);

  @TempDir static Path dir;
  private static UpstreamIssuer upstream;
  private static final List<RunningFerry> replicas = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    upstream = UpstreamIssuer.builder().clock(clock).userInfo(false).start();
    String yaml =
        """
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
        connectors:
        - type: oidc
          id: ci
          name: CI
          config:
            issuer: %s
            scopes: [openid]
            userNameKey: sub
          trust:
            singleUse: true
        staticClients:
        - id: my-app
          name: My App
          secret: my-secret
        """
            .formatted(DB.get().name, upstream.issuer());
    int first = RunningFerry.freePort();
    String issuer = "http://127.0.0.1:" + first + "/dex";
    replicas.add(RunningFerry.start(dir, yaml, clock, issuer, first));
    replicas.add(RunningFerry.start(dir, yaml, clock, issuer, RunningFerry.freePort()));
  }

  @AfterAll
  static void stop() {
    replicas.forEach(RunningFerry::close);
    if (upstream != null) {
      upstream.close();
    }
  }

  private static int exchange(RunningFerry replica, String token) throws Exception {
    HttpResponse<String> response =
        replica.postForm("/token", RunningFerry.guideForm("ci", token, ID), "my-app:my-secret");
    return response.statusCode();
  }

  @Test
  void aTokenUsedOnOneReplicaIsRefusedOnTheOther() throws Exception {
    String token = upstream.token().claim("jti", "run-7-attempt-1").build();
    assertThat(exchange(replicas.get(0), token)).isEqualTo(200);
    assertThat(exchange(replicas.get(1), token)).isEqualTo(401);
    assertThat(exchange(replicas.get(0), token)).isEqualTo(401);
    // The same jti from another issuer's token would be another token; a new jti is a new token.
    assertThat(exchange(replicas.get(1), upstream.token().claim("jti", "run-7-attempt-2").build()))
        .isEqualTo(200);
  }

  @Test
  void ofConcurrentFirstUsesOnBothReplicasExactlyOneWins() throws Exception {
    String token = upstream.token().claim("jti", "raced").build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> attempts = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        RunningFerry replica = replicas.get(i % 2);
        attempts.add(() -> exchange(replica, token));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> status : pool.invokeAll(attempts)) {
        statuses.add(status.get());
      }
      assertThat(statuses).containsOnly(200, 401);
      assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTokenWithoutJtiIsRefused() throws Exception {
    assertThat(exchange(replicas.get(0), upstream.token().build())).isEqualTo(401);
  }
}

package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.storage.Client;
import dev.ferry.storage.sql.Dialect;
import dev.ferry.storage.sql.TestDatabase;
import dev.ferry.testing.UpstreamIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away under a running Ferry and comes back: what needs the database fails fast
 * with {@code 500 server_error} and readiness reports it, token exchange for configured clients
 * keeps working from memory, and Ferry reconnects by itself with nothing lost.
 *
 * <p>"Goes away" is simulated on a database of its own: new connections are refused ({@code ALLOW
 * CONNECTIONS false}) and Ferry's open connections are terminated, which is what Ferry sees when
 * the server is stopped; the rest of the PostgreSQL server stays up for other tests.
 */
class DatabaseOutageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "urn:ietf:params:oauth:token-type:id_token";

  @RegisterExtension
  static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.POSTGRES);

  @TempDir Path dir;
  private TestDatabase db;
  private UpstreamIssuer upstream;
  private RunningFerry ferry;

  @BeforeEach
  void start() throws Exception {
    db = DB.get();
    upstream = UpstreamIssuer.builder().userInfo(false).start();
    ferry =
        RunningFerry.start(
            dir, ReplicasOnOneDatabaseTest.replicaConfig(db, upstream.issuer()), Clock.systemUTC());
    // A client that lives only in the database (as one created through Dex's API would).
    ferry.server.storage().clients().create(Client.of("dynamic", "dyn-secret", "Dynamic"));
  }

  @AfterEach
  void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (db != null) {
      allowConnections(true);
    }
  }

  private void allowConnections(boolean allowed) {
    TestDatabase.exec(db.adminUrl, "alter database " + db.name + " allow_connections " + allowed);
    if (!allowed) {
      TestDatabase.exec(
          db.adminUrl,
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
              + db.name
              + "'");
    }
  }

  private HttpResponse<String> exchange(String basic) throws Exception {
    return ferry.postForm(
        "/token",
        RunningFerry.guideForm("ci", upstream.token().subject("repo:acme/app").build(), ID),
        basic);
  }

  private String readiness() throws Exception {
    return ferry.get(ferry.telemetry() + "/healthz/ready?type=short").body();
  }

  @Test
  void outageAndRecovery() throws Exception {
    assertThat(exchange("my-app:my-secret").statusCode()).isEqualTo(200);
    assertThat(exchange("dynamic:dyn-secret").statusCode()).isEqualTo(200);
    String keysBefore = ferry.get("/keys").body();

    allowConnections(false);

    // Configured client, connector and keys are in memory: exchange keeps working.
    HttpResponse<String> fromMemory = exchange("my-app:my-secret");
    assertThat(fromMemory.statusCode()).as(fromMemory.body()).isEqualTo(200);

    // A client that must be read from the database: a clear 500, and quickly.
    Instant start = Instant.now();
    HttpResponse<String> needsDatabase = exchange("dynamic:dyn-secret");
    assertThat(needsDatabase.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(needsDatabase.body()).get("error").asText()).isEqualTo("server_error");
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));

    assertThat(ferry.server.checkStorageHealth()).isFalse();
    assertThat(readiness()).contains("FAIL");
    assertThat(ferry.get(ferry.telemetry() + "/healthz/ready").statusCode()).isEqualTo(503);

    allowConnections(true);

    assertThat(ferry.server.checkStorageHealth()).isTrue();
    assertThat(readiness()).contains("PASS");
    HttpResponse<String> recovered = exchange("dynamic:dyn-secret");
    assertThat(recovered.statusCode()).as(recovered.body()).isEqualTo(200);
    assertThat(ferry.server.storage().clients().get("dynamic")).isPresent();
    assertThat(ferry.get("/keys").body()).isEqualTo(keysBefore);
  }
}

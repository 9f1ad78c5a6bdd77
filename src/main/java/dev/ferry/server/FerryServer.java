package dev.ferry.server;

import dev.ferry.config.ConnectorConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.LocalSignerConfig;
import dev.ferry.config.SignerConfig;
import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.endpoint.health.StorageHealthCheck;
import dev.ferry.http.CpuWorkers;
import dev.ferry.http.HttpServer;
import dev.ferry.http.HttpServerSettings;
import dev.ferry.policy.AuditSink;
import dev.ferry.signer.CpuBoundSigner;
import dev.ferry.signer.KeyGenerator;
import dev.ferry.signer.LocalSigner;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.token.TokenIssuer;
import dev.ferry.token.TokenVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Ferry's composition root: everything a configuration describes, opened and wired, plus the
 * background jobs Dex runs (Dex: server/signer/local.go localSigner.Start, server/server.go
 * Server.startGarbageCollection, storage/health.go NewCustomHealthCheckFunc): key rotation every 30
 * seconds, garbage collection every 5 minutes, the storage health check every 15 seconds.
 *
 * <p>Start-up order follows Dex: storage, static overlays, the first key rotation (blocking, so the
 * first request can be signed), connectors (a connector that cannot be opened is logged and retried
 * on use), then the listeners. Any failure closes what was opened and surfaces as a {@link
 * StartupException} with one clear message.
 */
public final class FerryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FerryServer.class);
  static final Duration ROTATION_CHECK = Duration.ofSeconds(30);
  static final Duration GC_PERIOD = Duration.ofMinutes(5);

  private final List<AutoCloseable> resources;
  private final HttpServer web;
  private final Optional<HttpServer> telemetry;
  private final Storage storage;
  private final LocalSigner signer;
  private final StorageHealthCheck health;

  private FerryServer(
      List<AutoCloseable> resources,
      HttpServer web,
      Optional<HttpServer> telemetry,
      Storage storage,
      LocalSigner signer,
      StorageHealthCheck health) {
    this.resources = resources;
    this.web = web;
    this.telemetry = telemetry;
    this.storage = storage;
    this.signer = signer;
    this.health = health;
  }

  /** Opens everything {@code config} describes and starts listening. */
  public static FerryServer start(FerryConfig config, Clock clock, SecureRandom random)
      throws StartupException {
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      return startOrThrow(config, clock, random, opened);
    } catch (StartupException e) {
      closeAll(opened);
      throw e;
    } catch (RuntimeException e) {
      closeAll(opened);
      throw new StartupException("failed to start: " + e.getMessage(), e);
    }
  }

  private static FerryServer startOrThrow(
      FerryConfig config, Clock clock, SecureRandom random, List<AutoCloseable> opened)
      throws StartupException {
    Storage storage = StorageSetup.open(config);
    opened.add(storage);

    LocalSigner signer = newSigner(config, storage, clock, random);
    if (signer.rotateIfDue() == LocalSigner.Outcome.FAILED) {
      throw new StartupException("failed to initialize signing keys: storage is not usable");
    }

    // Created before the connectors: they verify upstream signatures on it.
    CpuWorkers workers = new CpuWorkers(HttpServerSettings.builder().build());
    opened.add(workers);
    ConnectorRegistry registry = ConnectorSetup.registry(clock, workers, storage.passwords()::get);
    ConnectorCache connectors = new ConnectorCache(storage.connectors()::get, registry);
    opened.add(connectors);
    openConfiguredConnectors(config, registry, connectors);

    TokenIssuer issuer =
        new TokenIssuer(
            config.issuer(),
            new CpuBoundSigner(signer, workers),
            storage.clients()::get,
            config.expiry().idTokens(),
            clock,
            random);
    TokenVerifier verifier = new TokenVerifier(config.issuer(), signer, clock);
    StorageHealthCheck health = new StorageHealthCheck(storage, clock, new IdGenerator(random));

    AuditSink audit = TrustSetup.audit(config, opened);
    Listeners.Started listeners =
        Listeners.start(
            config,
            new Listeners.Components(
                storage,
                signer,
                issuer,
                verifier,
                connectors,
                health,
                workers,
                TrustSetup.policy(config, clock),
                TrustSetup.ledger(storage),
                audit,
                clock,
                random));
    opened.add(listeners.web());
    listeners.telemetry().ifPresent(opened::add);

    ScheduledExecutorService jobs =
        Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread thread = new Thread(runnable, "ferry-jobs");
          thread.setDaemon(true);
          return thread;
        });
    opened.add(jobs::shutdownNow);
    // Each job catches and logs its own failures and runs until jobs shuts down, so the futures
    // would never complete with anything to look at.
    var unusedRotation =
        jobs.scheduleWithFixedDelay(
            signer::rotateIfDue,
            ROTATION_CHECK.toMillis(),
            ROTATION_CHECK.toMillis(),
            TimeUnit.MILLISECONDS);
    var unusedGc =
        jobs.scheduleWithFixedDelay(
            () -> collectGarbage(storage, clock), 0, GC_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    var unusedHealth = health.schedule(jobs, StorageHealthCheck.PERIOD);

    log.atInfo()
        .setMessage("listening")
        .addKeyValue("issuer", config.issuer())
        .addKeyValue("http", listeners.web().httpPort().isPresent() ? config.web().http() : "")
        .addKeyValue("https", listeners.web().httpsPort().isPresent() ? config.web().https() : "")
        .log();
    return new FerryServer(
        List.copyOf(opened), listeners.web(), listeners.telemetry(), storage, signer, health);
  }

  private static LocalSigner newSigner(
      FerryConfig config, Storage storage, Clock clock, SecureRandom random)
      throws StartupException {
    SignerConfig signerConfig = config.signer();
    if (!(signerConfig instanceof LocalSignerConfig local)) {
      throw new StartupException(
          "signer.type: " + signerConfig.type() + " is not supported by Ferry yet (use local)");
    }
    return new LocalSigner(
        storage,
        new KeyGenerator(random),
        clock,
        local.keysRotationPeriod(),
        config.expiry().idTokens(),
        local.algorithm());
  }

  /**
   * Opens every configured connector once at start-up so that problems show in the log early. An
   * {@code oidc} connector whose upstream is unreachable still opens (it discovers lazily and is
   * retried on use); what fails here is a connector whose config is unusable. As with Dex's {@code
   * DEX_CONTINUE_ON_CONNECTOR_FAILURE} (default true), such failures are logged and the server
   * starts unless every connector failed; with the flag false, any failure stops the start.
   */
  private static void openConfiguredConnectors(
      FerryConfig config, ConnectorRegistry registry, ConnectorCache connectors)
      throws StartupException {
    List<String> failed = new ArrayList<>();
    int served = 0;
    for (ConnectorConfig connector : config.connectors()) {
      if (!registry.serves(connector.type())) {
        log.atWarn()
            .setMessage("connector type is not served by Ferry yet; the connector is unavailable")
            .addKeyValue("connector_id", connector.id())
            .addKeyValue("type", connector.type())
            .log();
        continue;
      }
      served++;
      if (connectors.get(connector.id()).isEmpty()) {
        failed.add(connector.id());
      }
    }
    if (failed.isEmpty()) {
      return;
    }
    if (!config.featureFlags().continueOnConnectorFailure()) {
      throw new StartupException(
          "failed to open connectors " + failed + " (DEX_CONTINUE_ON_CONNECTOR_FAILURE=false)");
    }
    if (failed.size() == served) {
      throw new StartupException("failed to open all connectors " + failed);
    }
  }

  private static void collectGarbage(Storage storage, Clock clock) {
    try {
      GarbageCollection result = storage.garbageCollect(clock.instant());
      if (!result.isEmpty()) {
        // Dex's keys and order (Dex: server/server.go startGarbageCollection), then any entity
        // Dex does not have, keyed by its kind.
        LoggingEventBuilder line =
            log.atInfo()
                .setMessage("garbage collection run, delete auth")
                .addKeyValue("requests", result.authRequests())
                .addKeyValue("auth_codes", result.authCodes())
                .addKeyValue("device_requests", result.deviceRequests())
                .addKeyValue("device_tokens", result.deviceTokens())
                .addKeyValue("auth_sessions", result.authSessions());
        for (Map.Entry<String, Long> other : result.beyondDex().entrySet()) {
          line = line.addKeyValue(other.getKey().replace(' ', '_'), other.getValue());
        }
        line.log();
      }
    } catch (StorageException e) {
      log.error("garbage collection failed: {}", e.getMessage());
    }
  }

  /** The bound port of the web HTTP listener, when there is one. */
  public OptionalInt webHttpPort() {
    return web.httpPort();
  }

  /** The bound port of the web HTTPS listener, when there is one. */
  public OptionalInt webHttpsPort() {
    return web.httpsPort();
  }

  /** The bound port of the telemetry listener, when there is one. */
  public OptionalInt telemetryPort() {
    return telemetry.map(HttpServer::httpPort).orElse(OptionalInt.empty());
  }

  /** The storage this server uses (for tests and tools). */
  public Storage storage() {
    return storage;
  }

  /** The signer (for tests: forcing a rotation check). */
  public LocalSigner signer() {
    return signer;
  }

  /** Runs the storage health check now instead of at its next 15-second tick. */
  public boolean checkStorageHealth() {
    health.runOnce();
    return health.healthy();
  }

  /** Reloads the web listener's TLS certificate and key if their files changed (Dex: SIGHUP). */
  public void reloadTls() {
    web.reloadTls();
  }

  /** Blocks until the listeners stop. */
  public void join() throws InterruptedException {
    web.join();
  }

  @Override
  public void close() {
    List<AutoCloseable> reversed = new ArrayList<>(resources);
    java.util.Collections.reverse(reversed);
    closeAll(reversed);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("error while closing: {}", e.getMessage());
      }
    }
  }
}

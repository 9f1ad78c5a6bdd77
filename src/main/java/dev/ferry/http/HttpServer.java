package dev.ferry.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jetty server with the plain and/or TLS listeners of a {@link HttpServerSettings}, serving one
 * handler (the web {@link Router}, or the telemetry one). Jetty's own error pages (malformed
 * requests, oversized headers) carry no stack traces. The TLS certificate and key are reloaded when
 * their files change.
 */
public final class HttpServer implements AutoCloseable {
  /** Go's crypto/tls choices as Dex pins them: AEAD suites with forward secrecy only. */
  private static final String[] CIPHER_SUITES = {
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  };

  /** How long stopping waits for requests in flight. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Request headers beyond this are a 431. Go's {@code http.DefaultMaxHeaderBytes} (1 MiB) is the
   * outer limit; 64 KiB still carries a Dex token with many groups as a bearer, and bounds what a
   * slow client can make each connection hold.
   */
  static final int MAX_REQUEST_HEADER_BYTES = 64 << 10;

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final Server server;
  private final @Nullable ServerConnector http;
  private final @Nullable ServerConnector https;
  private final HttpServerSettings settings;
  private SslContextFactory.@Nullable Server tls;
  private @Nullable ScheduledExecutorService tlsWatcher;
  // Guarded by the watcher thread: the certificate and key file contents last looked at.
  private byte[] tlsFiles = new byte[0];

  /**
   * @throws IllegalArgumentException when no listener is configured or an address is invalid
   * @throws IOException when the TLS files cannot be read
   * @throws GeneralSecurityException when they do not hold a certificate and key
   */
  public HttpServer(HttpServerSettings settings, Handler handler)
      throws IOException, GeneralSecurityException {
    if (settings.httpAddress().isEmpty() && settings.httpsAddress().isEmpty()) {
      throw new IllegalArgumentException("must supply a HTTP/HTTPS address to listen on");
    }
    this.settings = settings;
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("ferry-http");
    // Endpoints wait: on an upstream (bounded per connector by its bulkhead) and on the CPU
    // workers. Run on virtual threads, a waiting request holds no platform thread, so connectors
    // whose upstreams hang cannot together use up the pool and starve every other request. The
    // CPU-heavy work itself stays on the fixed CpuWorkers pool.
    threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("ferry-req-"));
    server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    // Jetty's 8 KiB default is too small for a large bearer token (many groups) at /userinfo.
    config.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
    // Unusual paths must reach the router, which 404s them like Go, instead of Jetty's 400.
    config.setUriCompliance(UriCompliance.LEGACY);
    http =
        settings.httpAddress().isEmpty()
            ? null
            : connector(settings.httpAddress(), settings, new HttpConnectionFactory(config));
    if (settings.httpsAddress().isEmpty()) {
      https = null;
    } else {
      HttpConfiguration tlsConfig = new HttpConfiguration(config);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // Clients reach Ferry by any name (service DNS, IPs); SNI host checks would refuse them.
      secure.setSniHostCheck(false);
      tlsConfig.addCustomizer(secure);
      tls = tls(settings);
      tlsFiles = tlsFileContents(settings);
      https =
          connector(
              settings.httpsAddress(),
              settings,
              new SslConnectionFactory(tls, "http/1.1"),
              new HttpConnectionFactory(tlsConfig));
    }
    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    errors.setShowCauses(false);
    errors.setShowMessageInTitle(false);
    server.setErrorHandler(errors);
    // Dex shuts its listeners down gracefully: requests in flight when SIGTERM arrives (a rolling
    // update) are still answered; new ones are not accepted.
    HeaderDeadline deadline =
        new HeaderDeadline(
            handler, server.getScheduler(), settings.readHeaderTimeout(), settings.idleTimeout());
    for (ServerConnector c : new ServerConnector[] {http, https}) {
      if (c != null) {
        c.addEventListener(deadline);
      }
    }
    server.setHandler(new GracefulHandler(deadline));
    server.setStopTimeout(STOP_TIMEOUT.toMillis());
  }

  private ServerConnector connector(
      String address,
      HttpServerSettings settings,
      org.eclipse.jetty.server.ConnectionFactory... f) {
    ListenAddress parsed = ListenAddress.parse(address);
    ServerConnector c = new ServerConnector(server, f);
    c.setHost(parsed.host().isEmpty() ? null : parsed.host());
    c.setPort(parsed.port());
    c.setIdleTimeout(settings.idleTimeout().toMillis());
    server.addConnector(c);
    return c;
  }

  private static SslContextFactory.Server tls(HttpServerSettings settings)
      throws IOException, GeneralSecurityException {
    if (settings.tlsCertFile().isEmpty()) {
      throw new IllegalArgumentException("no cert specified for HTTPS");
    }
    if (settings.tlsKeyFile().isEmpty()) {
      throw new IllegalArgumentException("no private key specified for HTTPS");
    }
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStore(
        PemKeyStore.load(Path.of(settings.tlsCertFile()), Path.of(settings.tlsKeyFile())));
    factory.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
    factory.setIncludeProtocols(protocols(settings.tlsMinVersion(), settings.tlsMaxVersion()));
    factory.setIncludeCipherSuites(CIPHER_SUITES);
    return factory;
  }

  /**
   * {@code web.tlsMinVersion}/{@code tlsMaxVersion}: 1.2 and 1.3 only, min ≤ max (Dex:
   * cmd/dex/config.go Config.Validate).
   */
  static String[] protocols(String min, String max) {
    int lo = version(min.isEmpty() ? "1.2" : min);
    int hi = version(max.isEmpty() ? "1.3" : max);
    if (lo > hi) {
      throw new IllegalArgumentException("TLS min version " + min + " is above max version " + max);
    }
    List<String> out = new ArrayList<>();
    for (int v = lo; v <= hi; v++) {
      out.add("TLSv1." + v);
    }
    return out.toArray(new String[0]);
  }

  private static int version(String v) {
    return switch (v) {
      case "1.2" -> 2;
      case "1.3" -> 3;
      default -> throw new IllegalArgumentException("unsupported TLS version: " + v);
    };
  }

  public void start() throws Exception {
    server.start();
    if (tls != null) {
      ScheduledExecutorService watcher =
          Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-tls-reload");
            t.setDaemon(true);
            return t;
          });
      long every = settings.tlsReloadInterval().toMillis();
      // reloadTlsIfChanged logs its own failures; the task runs until close(), so nothing to read.
      var unusedReload =
          watcher.scheduleWithFixedDelay(
              this::reloadTlsIfChanged, every, every, TimeUnit.MILLISECONDS);
      tlsWatcher = watcher;
    }
  }

  /** Checks the TLS files now rather than at the next tick (Dex: on SIGHUP); no-op without TLS. */
  public void reloadTls() {
    // reloadTlsIfChanged logs its own failures; the signal handler does not wait for it.
    var unused = checkTlsFiles();
  }

  /** {@link #reloadTls}, done when the check is: tests await it instead of sleeping. */
  Future<?> checkTlsFiles() {
    ScheduledExecutorService watcher = tlsWatcher;
    if (watcher != null && !watcher.isShutdown()) {
      return watcher.submit(this::reloadTlsIfChanged);
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Dex reloads {@code web.tlsCert} and {@code tlsKey} when the files change, so a renewed
   * certificate (cert-manager, certbot) is served without a restart. A change that does not load,
   * such as a certificate whose key has not been written yet, keeps the current pair in service and
   * is tried again at the next change.
   */
  private void reloadTlsIfChanged() {
    SslContextFactory.Server factory = tls;
    if (factory == null) {
      return;
    }
    byte[] current;
    try {
      current = tlsFileContents(settings);
    } catch (IOException e) {
      return; // mid-replacement, or gone for now: look again next time
    }
    if (Arrays.equals(current, tlsFiles)) {
      return;
    }
    tlsFiles = current;
    try {
      KeyStore keys =
          PemKeyStore.load(Path.of(settings.tlsCertFile()), Path.of(settings.tlsKeyFile()));
      factory.reload(f -> f.setKeyStore(keys));
      LOG.info("reloaded TLS certificate and key: cert={}", settings.tlsCertFile());
    } catch (Exception e) {
      LOG.warn(
          "TLS certificate or key changed but cannot be loaded; still serving the previous pair:"
              + " {}",
          String.valueOf(e.getMessage()));
    }
  }

  private static byte[] tlsFileContents(HttpServerSettings settings) throws IOException {
    if (settings.tlsCertFile().isEmpty() || settings.tlsKeyFile().isEmpty()) {
      return new byte[0];
    }
    byte[] cert = Files.readAllBytes(Path.of(settings.tlsCertFile()));
    byte[] key = Files.readAllBytes(Path.of(settings.tlsKeyFile()));
    byte[] both = Arrays.copyOf(cert, cert.length + 1 + key.length);
    System.arraycopy(key, 0, both, cert.length + 1, key.length);
    return both;
  }

  /** The bound plain-HTTP port, once started. */
  public OptionalInt httpPort() {
    return http == null ? OptionalInt.empty() : OptionalInt.of(http.getLocalPort());
  }

  /** The bound HTTPS port, once started. */
  public OptionalInt httpsPort() {
    return https == null ? OptionalInt.empty() : OptionalInt.of(https.getLocalPort());
  }

  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws Exception {
    ScheduledExecutorService watcher = tlsWatcher;
    if (watcher != null) {
      watcher.shutdownNow();
    }
    server.stop();
  }
}

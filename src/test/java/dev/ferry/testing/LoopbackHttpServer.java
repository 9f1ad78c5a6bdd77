package dev.ferry.testing;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A JDK HTTP(S) server on 127.0.0.1 and a random port, handing every request to one handler on
 * daemon threads: the transport under the in-process upstreams tests talk to. With TLS it serves
 * the test certificate for 127.0.0.1 ({@code /tls/upstream.p12}, its own root).
 */
public final class LoopbackHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final String baseUrl;

  private LoopbackHttpServer(HttpServer server, ExecutorService executor, boolean tls) {
    this.server = server;
    this.executor = executor;
    this.baseUrl = (tls ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Starts serving {@code handler}; {@code threadName} names its worker threads. */
  public static LoopbackHttpServer start(String threadName, boolean tls, HttpHandler handler)
      throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    HttpServer server;
    if (tls) {
      HttpsServer https = HttpsServer.create(loopback, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(serverTls()));
      server = https;
    } else {
      server = HttpServer.create(loopback, 0);
    }
    ExecutorService executor =
        Executors.newCachedThreadPool(r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
    return new LoopbackHttpServer(server, executor, tls);
  }

  /** {@code http://127.0.0.1:<port>} or {@code https://...}, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static SSLContext serverTls() throws IOException {
    try (InputStream in = LoopbackHttpServer.class.getResourceAsStream("/tls/upstream.p12")) {
      if (in == null) {
        throw new IOException("missing test resource /tls/upstream.p12");
      }
      char[] password = "changeit".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }
}

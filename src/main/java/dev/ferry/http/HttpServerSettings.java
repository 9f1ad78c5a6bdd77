package dev.ferry.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the HTTP layer needs to serve one listener pair, independent of the config file model
 * (the server maps Dex's {@code web} section onto it). Empty strings mean "unset", as in Dex.
 *
 * @param httpAddress plain HTTP listen address ({@code host:port}), or empty for none
 * @param httpsAddress HTTPS listen address, or empty for none
 * @param tlsCertFile PEM certificate chain for HTTPS
 * @param tlsKeyFile PEM private key for HTTPS (PKCS#8, PKCS#1 RSA or SEC1 EC)
 * @param tlsMinVersion {@code 1.2} (default) or {@code 1.3}
 * @param tlsMaxVersion {@code 1.2} or {@code 1.3} (default)
 * @param allowedOrigins CORS origins; empty disables CORS entirely (Dex: server/router/router.go
 *     mountMux.HandleCORS)
 * @param allowedHeaders CORS request headers; Dex's default is {@code Authorization}
 * @param headers response headers added to every routed response ({@code web.headers})
 * @param clientRemoteIpHeader header carrying the client IP ({@code web.clientRemoteIP.header})
 * @param trustedProxies CIDRs whose requests may set that header
 * @param maxBodyBytes largest request body read; larger forms are a 400 (Go allows 10 MB)
 * @param idleTimeout connection idle timeout; bounds slow clients
 * @param workerThreads threads of the CPU worker pool (about the number of cores)
 * @param workerQueueCapacity tasks that may wait for a worker before requests are refused
 * @param workerTimeout longest a request waits for and runs on a worker
 * @param tlsReloadInterval how often the TLS certificate and key files are checked for a change
 * @param readHeaderTimeout longest a connection may take to send a request's headers, counted from
 *     when it opened or, on a kept-alive connection, from the end of the idle timeout after the
 *     previous answer; a connection over it is closed (Go: http.Server ReadHeaderTimeout)
 * @param readBodyTimeout longest a request may take to send its body once the headers are in; a
 *     connection over it is closed unanswered (Go: http.Server ReadTimeout)
 */
public record HttpServerSettings(
    String httpAddress,
    String httpsAddress,
    String tlsCertFile,
    String tlsKeyFile,
    String tlsMinVersion,
    String tlsMaxVersion,
    List<String> allowedOrigins,
    List<String> allowedHeaders,
    Map<String, String> headers,
    String clientRemoteIpHeader,
    List<String> trustedProxies,
    int maxBodyBytes,
    Duration idleTimeout,
    int workerThreads,
    int workerQueueCapacity,
    Duration workerTimeout,
    Duration tlsReloadInterval,
    Duration readHeaderTimeout,
    Duration readBodyTimeout) {

  /** Ferry's body limit: far above any real token request, far below Go's 10 MB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  public HttpServerSettings {
    allowedOrigins = List.copyOf(allowedOrigins);
    allowedHeaders = List.copyOf(allowedHeaders);
    headers = Map.copyOf(headers);
    trustedProxies = List.copyOf(trustedProxies);
    if (tlsReloadInterval.isNegative() || tlsReloadInterval.isZero()) {
      throw new IllegalArgumentException("the TLS reload interval must be positive");
    }
    if (!readHeaderTimeout.isPositive() || !readBodyTimeout.isPositive()) {
      throw new IllegalArgumentException("the read timeouts must be positive");
    }
    if (maxBodyBytes <= 0 || workerThreads <= 0 || workerQueueCapacity <= 0) {
      throw new IllegalArgumentException("body limit, worker threads and queue must be positive");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with Dex's defaults; every field is optional. */
  public static final class Builder {
    private String httpAddress = "";
    private String httpsAddress = "";
    private String tlsCertFile = "";
    private String tlsKeyFile = "";
    private String tlsMinVersion = "";
    private String tlsMaxVersion = "";
    private List<String> allowedOrigins = List.of();
    private List<String> allowedHeaders = List.of();
    private Map<String, String> headers = new LinkedHashMap<>();
    private String clientRemoteIpHeader = "";
    private List<String> trustedProxies = new ArrayList<>();
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int workerThreads = Runtime.getRuntime().availableProcessors();
    private int workerQueueCapacity = 256;
    private Duration workerTimeout = Duration.ofSeconds(10);
    private Duration tlsReloadInterval = Duration.ofSeconds(10);
    // Far above what a token request over a slow mobile link needs; low enough that a client
    // trickling its request cannot hold a connection (and its buffers) for long.
    private Duration readHeaderTimeout = Duration.ofSeconds(10);
    private Duration readBodyTimeout = Duration.ofSeconds(20);

    private Builder() {}

    public Builder httpAddress(String value) {
      httpAddress = value;
      return this;
    }

    public Builder httpsAddress(String value) {
      httpsAddress = value;
      return this;
    }

    public Builder tls(String certFile, String keyFile) {
      tlsCertFile = certFile;
      tlsKeyFile = keyFile;
      return this;
    }

    public Builder tlsVersions(String min, String max) {
      tlsMinVersion = min;
      tlsMaxVersion = max;
      return this;
    }

    public Builder allowedOrigins(List<String> value) {
      allowedOrigins = value;
      return this;
    }

    public Builder allowedHeaders(List<String> value) {
      allowedHeaders = value;
      return this;
    }

    public Builder headers(Map<String, String> value) {
      headers = value;
      return this;
    }

    public Builder clientRemoteIp(String header, List<String> trustedCidrs) {
      clientRemoteIpHeader = header;
      trustedProxies = trustedCidrs;
      return this;
    }

    public Builder maxBodyBytes(int value) {
      maxBodyBytes = value;
      return this;
    }

    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    public Builder workers(int threads, int queueCapacity, Duration timeout) {
      workerThreads = threads;
      workerQueueCapacity = queueCapacity;
      workerTimeout = timeout;
      return this;
    }

    public Builder tlsReloadInterval(Duration value) {
      tlsReloadInterval = value;
      return this;
    }

    /** How long a request's headers, then its body, may take to arrive. */
    public Builder readTimeouts(Duration headers, Duration body) {
      readHeaderTimeout = headers;
      readBodyTimeout = body;
      return this;
    }

    public HttpServerSettings build() {
      return new HttpServerSettings(
          httpAddress,
          httpsAddress,
          tlsCertFile,
          tlsKeyFile,
          tlsMinVersion,
          tlsMaxVersion,
          allowedOrigins,
          // Dex: an empty web.allowedHeaders means ["Authorization"].
          allowedHeaders.isEmpty() ? List.of("Authorization") : allowedHeaders,
          headers,
          clientRemoteIpHeader,
          trustedProxies,
          maxBodyBytes,
          idleTimeout,
          workerThreads,
          workerQueueCapacity,
          workerTimeout,
          tlsReloadInterval,
          readHeaderTimeout,
          readBodyTimeout);
    }
  }
}

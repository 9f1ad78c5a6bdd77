package dev.ferry.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An OpenID Connect issuer on {@code 127.0.0.1} (random port) for tests that need a real upstream
 * over real HTTP: discovery, JWKS and userinfo, tokens minted with {@link #token()} (RSA, EC and
 * Ed25519 keys; any header, payload or signing method), key rotation, per-path request counts and
 * injected faults (500, bad JSON, a bounded hang, an oversized body).
 *
 * <p>Paths: {@code <issuerPath>/.well-known/openid-configuration}, {@code <issuerPath>/keys},
 * {@code <issuerPath>/userinfo}, and for browser logins {@code <issuerPath>/authorize} and {@code
 * <issuerPath>/token} ({@link #login()}: register a client there first). Userinfo answers a bearer
 * token this issuer minted with that token's payload, or the claims set by {@link #userInfoClaims};
 * anything else gets 401.
 *
 * <pre>{@code
 * try (UpstreamIssuer upstream = UpstreamIssuer.builder().clock(clock).start()) {
 *   String idToken = upstream.token().claim("email", "a@b").build();
 * }
 * }</pre>
 */
public final class UpstreamIssuer implements AutoCloseable {

  /** What a path answers instead of its normal response. */
  public enum Fault {
    NONE,
    /** HTTP 500 with a short text body. */
    SERVER_ERROR,
    /**
     * Sends nothing until {@link #release()} (or until the issuer is closed, or at most {@link
     * #MAX_HOLD}); each held request is announced to {@link #awaitHeld}.
     */
    HOLD,
    /** HTTP 200, {@code application/json}, a body that is not JSON. */
    BAD_JSON,
    /** HTTP 200, {@code application/json}, a non-JSON body quoting the request's bearer token. */
    ECHO_BEARER,
    /** Sends nothing until the issuer is closed, or at most {@link #MAX_HANG}. */
    HANG,
    /** HTTP 200 with a 2 MiB JSON body and its Content-Length. */
    HUGE,
    /** HTTP 200 with a 2 MiB JSON body, chunked (no length announced). */
    HUGE_CHUNKED,
    /** HTTP 200 headers and a few body bytes, then nothing until closed or {@link #MAX_HANG}. */
    STALL_BODY
  }

  /** The longest a {@link Fault#HANG} holds a request. */
  public static final Duration MAX_HANG = Duration.ofSeconds(20);

  /** The longest a {@link Fault#HOLD} holds a request if the test never releases it. */
  public static final Duration MAX_HOLD = Duration.ofSeconds(90);

  public static final String DISCOVERY = "/.well-known/openid-configuration";
  public static final String KEYS = "/keys";
  public static final String USERINFO = "/userinfo";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoopbackHttpServer server;
  private final Clock clock;
  private final String issuerPath;
  private final String base;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private final Semaphore heldArrivals = new Semaphore(0);
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Map<String, String> lastAuthorization = new ConcurrentHashMap<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final Map<String, String> minted = new ConcurrentHashMap<>();

  private final IssuerKeys keys = new IssuerKeys();
  private final UpstreamLogin login = new UpstreamLogin(this);
  private volatile @Nullable List<String> codeChallengeMethods;
  private volatile boolean userInfoEnabled;
  private volatile @Nullable String discoveryIssuer;
  private volatile @Nullable List<String> signingAlgorithms;
  private volatile @Nullable Map<String, Object> userInfoClaims;
  private volatile int userInfoStatus = 200;
  private volatile boolean userInfoAsJwt;
  private volatile UpstreamToken.Signing userInfoJwtSigning = UpstreamToken.Signing.RSA;

  private UpstreamIssuer(Builder builder) throws IOException {
    this.clock = builder.clock;
    this.issuerPath = builder.issuerPath;
    this.userInfoEnabled = builder.userInfo;
    this.signingAlgorithms = builder.signingAlgorithms;
    this.server = LoopbackHttpServer.start("upstream-issuer", builder.tls, this::handle);
    this.base = server.baseUrl();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An issuer with the defaults: system clock, no path, userinfo on, no algorithm list. */
  public static UpstreamIssuer start() {
    return builder().start();
  }

  /** Options fixed at start. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private String issuerPath = "";
    private boolean userInfo = true;
    private @Nullable List<String> signingAlgorithms;
    private boolean tls;

    /**
     * Serves HTTPS with a self-signed certificate for 127.0.0.1 whose PEM is {@link
     * UpstreamIssuer#testCaPem()}; clients must trust it explicitly.
     */
    public Builder tls(boolean enabled) {
      this.tls = enabled;
      return this;
    }

    /** The clock minted tokens take {@code iat} and {@code exp} from. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * A path under the host, e.g. {@code /tenant}: the issuer becomes {@code http://h:p/tenant}.
     */
    public Builder issuerPath(String path) {
      this.issuerPath = path;
      return this;
    }

    public Builder userInfo(boolean enabled) {
      this.userInfo = enabled;
      return this;
    }

    /** {@code id_token_signing_alg_values_supported}; unset leaves the key out (RS256 only). */
    public Builder signingAlgorithms(String... algorithms) {
      this.signingAlgorithms = List.of(algorithms);
      return this;
    }

    public UpstreamIssuer start() {
      try {
        return new UpstreamIssuer(this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code http://127.0.0.1:<port><issuerPath>}, no trailing slash. */
  public String issuer() {
    return base + issuerPath;
  }

  /** An absolute URI on this server, e.g. {@code uri("/elsewhere")}; not under the issuer path. */
  public URI uri(String path) {
    return URI.create(base + path);
  }

  /** The path the server sees for an issuer-relative path such as {@link #KEYS}. */
  public String path(String relative) {
    return issuerPath + relative;
  }

  /** The PEM of the certificate an HTTPS issuer serves (it is its own root). */
  public static String testCaPem() {
    try (InputStream in = resource("/tls/upstream.pem")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = UpstreamIssuer.class.getResourceAsStream(name);
    if (in == null) {
      throw new IOException("missing test resource " + name);
    }
    return in;
  }

  // ---- tokens and keys

  /** A builder for a token of this issuer, valid by default. */
  public UpstreamToken token() {
    return new UpstreamToken(this, clock.instant());
  }

  /** An opaque access token that userinfo will answer with {@code claims}. */
  public String opaqueAccessToken(Map<String, ?> claims) {
    return opaqueAccessToken("opaque-" + UUID.randomUUID(), claims);
  }

  /** Makes userinfo answer {@code token} with {@code claims}. */
  public String opaqueAccessToken(String token, Map<String, ?> claims) {
    try {
      minted.put(token, JSON.writeValueAsString(claims));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return token;
  }

  void remember(String token, String payloadJson) {
    minted.put(token, payloadJson);
  }

  public RSAKey rsaKey() {
    return keys.rsa();
  }

  /** A 1024-bit RSA key, published in the JWKS from its first use on. */
  public RSAKey weakRsaKey() {
    return keys.weakRsa();
  }

  public ECKey ecKey() {
    return keys.ec();
  }

  String edKeyId() {
    return keys.edKeyId();
  }

  PrivateKey edPrivateKey() {
    return keys.edPrivate();
  }

  /** Replaces the RSA key with a new one under a new {@code kid}; the old one leaves the JWKS. */
  public RSAKey rotateRsaKey() {
    return keys.rotateRsa();
  }

  /** Replaces the RSA key with new key material under the same {@code kid} (kid reuse). */
  public RSAKey replaceRsaKeyKeepingKid() {
    return keys.replaceRsaKeepingKid();
  }

  /** Publishes an extra key in the JWKS (e.g. one reusing a {@code kid}). */
  public void publish(JWK key) {
    keys.publish(key);
  }

  public void publishEcKey(boolean publish) {
    keys.publishEc(publish);
  }

  public void publishEdKey(boolean publish) {
    keys.publishEd(publish);
  }

  // ---- behaviour switches

  /** The authorization server: clients, the user who logs in, token endpoint behaviour. */
  public UpstreamLogin login() {
    return login;
  }

  /** {@code code_challenge_methods_supported}; null (the default) leaves the key out. */
  public void codeChallengeMethods(@Nullable List<String> methods) {
    this.codeChallengeMethods = methods;
  }

  /** Makes {@code relativePath} (e.g. {@link #KEYS}) misbehave until set back to NONE. */
  public void fault(String relativePath, Fault fault) {
    faults.put(path(relativePath), fault);
  }

  /** Waits until a request has arrived at a {@link Fault#HOLD} path (each arrival counts once). */
  public boolean awaitHeld(Duration timeout) throws InterruptedException {
    return heldArrivals.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Lets every request held by {@link Fault#HOLD}, now and later, go on to its normal answer. */
  public void release() {
    released.countDown();
  }

  /** Advertises and serves userinfo, or neither. */
  public void userInfoEnabled(boolean enabled) {
    this.userInfoEnabled = enabled;
  }

  /** Fixed userinfo claims for any bearer token; null goes back to echoing minted tokens. */
  public void userInfoClaims(@Nullable Map<String, ?> claims) {
    this.userInfoClaims = claims == null ? null : new LinkedHashMap<>(claims);
  }

  /** Answers userinfo with this status (non-200 bodies are a short error text). */
  public void userInfoStatus(int status) {
    this.userInfoStatus = status;
  }

  /** Answers userinfo as an {@code application/jwt} signed with the current RSA key. */
  public void userInfoAsJwt(boolean asJwt) {
    this.userInfoAsJwt = asJwt;
  }

  /** How a signed userinfo answer is signed; e.g. UNPUBLISHED_RSA to forge one. */
  public void userInfoJwtSigning(UpstreamToken.Signing signing) {
    this.userInfoJwtSigning = signing;
  }

  /** The {@code issuer} the discovery document claims; null restores the real one. */
  public void discoveryIssuer(@Nullable String issuer) {
    this.discoveryIssuer = issuer;
  }

  // ---- observation

  /** Requests seen on the server path {@code path(relative)}, e.g. {@code requests(KEYS)}. */
  public int requests(String relativePath) {
    return absoluteRequests(path(relativePath));
  }

  /** Requests seen on an absolute server path, e.g. one a {@code jku} header named. */
  public int absoluteRequests(String serverPath) {
    AtomicInteger count = counts.get(serverPath);
    return count == null ? 0 : count.get();
  }

  public int totalRequests() {
    return counts.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** The last {@code Authorization} header sent to {@code relativePath}. */
  public Optional<String> lastAuthorization(String relativePath) {
    return Optional.ofNullable(lastAuthorization.get(path(relativePath)));
  }

  public void resetCounts() {
    counts.clear();
  }

  @Override
  public void close() {
    closed.countDown();
    server.close();
  }

  // ---- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        lastAuthorization.put(path, authorization);
      }
      Fault fault = faults.getOrDefault(path, Fault.NONE);
      switch (fault) {
        case SERVER_ERROR -> send(exchange, 500, "text/plain", "upstream exploded");
        case BAD_JSON -> send(exchange, 200, "application/json", "{\"issuer\": \"unterminated");
        case ECHO_BEARER ->
            send(
                exchange,
                200,
                "application/json",
                String.valueOf(authorization).replace("Bearer ", "") + " is not a known token");
        case HANG -> hang();
        case HOLD -> {
          hold();
          route(exchange, path);
        }
        case HUGE -> send(exchange, 200, "application/json", "[" + "0,".repeat(1 << 20) + "0]");
        case HUGE_CHUNKED -> {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            byte[] chunk = "0,".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            out.write('[');
            for (int i = 0; i < 128; i++) {
              out.write(chunk);
            }
            out.write('0');
            out.write(']');
          }
        }
        case STALL_BODY -> {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          out.write("{\"issuer\":".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          hang();
        }
        case NONE -> route(exchange, path);
      }
    }
  }

  private void hold() {
    heldArrivals.release();
    try {
      long until = System.nanoTime() + MAX_HOLD.toNanos();
      while (!released.await(100, TimeUnit.MILLISECONDS) && closed.getCount() > 0) {
        if (System.nanoTime() > until) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void hang() {
    try {
      closed.await(MAX_HANG.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void route(HttpExchange exchange, String path) throws IOException {
    if (path.equals(path(DISCOVERY))) {
      send(exchange, 200, "application/json", JSON.writeValueAsString(discoveryDocument()));
    } else if (path.equals(path(KEYS))) {
      send(exchange, 200, "application/json", JSON.writeValueAsString(jwks().toJSONObject(true)));
    } else if (path.equals(path(USERINFO)) && userInfoEnabled) {
      userInfo(exchange);
    } else if (path.startsWith(issuerPath) && login.handles(path.substring(issuerPath.length()))) {
      login.handle(exchange, path.substring(issuerPath.length()));
    } else {
      send(exchange, 404, "text/plain", "not found");
    }
  }

  private Map<String, Object> discoveryDocument() {
    Map<String, Object> doc = new LinkedHashMap<>();
    String advertised = discoveryIssuer;
    doc.put("issuer", advertised == null ? issuer() : advertised);
    doc.put("authorization_endpoint", issuer() + UpstreamLogin.AUTHORIZE);
    doc.put("token_endpoint", issuer() + UpstreamLogin.TOKEN);
    doc.put("jwks_uri", issuer() + KEYS);
    if (userInfoEnabled) {
      doc.put("userinfo_endpoint", issuer() + USERINFO);
    }
    doc.put("response_types_supported", List.of("code"));
    doc.put("subject_types_supported", List.of("public"));
    List<String> methods = codeChallengeMethods;
    if (methods != null) {
      doc.put("code_challenge_methods_supported", methods);
    }
    List<String> algorithms = signingAlgorithms;
    if (algorithms != null) {
      doc.put("id_token_signing_alg_values_supported", algorithms);
    }
    return doc;
  }

  /** The published keys, public parts only. */
  public JWKSet jwks() {
    return keys.jwks();
  }

  private void userInfo(HttpExchange exchange) throws IOException {
    int status = userInfoStatus;
    if (status != 200) {
      send(exchange, status, "text/plain", "userinfo refused");
      return;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String token =
        authorization != null && authorization.startsWith("Bearer ")
            ? authorization.substring("Bearer ".length())
            : "";
    Map<String, Object> fixed = userInfoClaims;
    String body = fixed != null ? JSON.writeValueAsString(fixed) : minted.get(token);
    if (body == null) {
      send(exchange, 401, "application/json", "{\"error\":\"invalid_token\"}");
      return;
    }
    if (userInfoAsJwt) {
      UpstreamToken signed =
          token().noClaims().unknownToUserInfo().signedWith(userInfoJwtSigning).rawPayload(body);
      send(exchange, 200, "application/jwt", signed.build());
    } else {
      send(exchange, 200, "application/json", body);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

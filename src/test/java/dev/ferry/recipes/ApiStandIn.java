package dev.ferry.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.server.RunningFerry;
import dev.ferry.testing.LoopbackHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An API that trusts Ferry: it accepts a request only with {@code Authorization: Bearer <token>}
 * whose token verifies against Ferry's published keys (found through discovery, as any OIDC library
 * finds them) and names Ferry as its issuer, and records what it saw.
 */
final class ApiStandIn implements AutoCloseable {
  static final String PATH = "/v1/whoami";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoopbackHttpServer server;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final List<JWTClaimsSet> verified = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();

  private ApiStandIn(RunningFerry ferry) throws Exception {
    JsonNode discovery = JSON.readTree(ferry.get("/.well-known/openid-configuration").body());
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.create(URI.create(discovery.path("jwks_uri").asText()).toURL())
            .retrying(false)
            .build();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA), keys));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            new JWTClaimsSet.Builder().issuer(ferry.issuer).build(),
            Set.of("sub", "aud", "exp", "iat")));
    this.server = LoopbackHttpServer.start("api-stand-in", false, this::handle);
  }

  static ApiStandIn start(RunningFerry ferry) throws Exception {
    return new ApiStandIn(ferry);
  }

  /** The URL a recipe calls. */
  String url() {
    return server.baseUrl() + PATH;
  }

  /** The claims of every token accepted, in order. */
  List<JWTClaimsSet> verified() {
    return List.copyOf(verified);
  }

  /** Why each refused request was refused, in order. */
  List<String> refused() {
    return List.copyOf(refused);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        refused.add("path " + exchange.getRequestURI().getPath());
        send(exchange, 404, "{\"error\":\"not_found\"}");
      } else if (authorization == null || !authorization.startsWith("Bearer ")) {
        refused.add("no bearer token");
        send(exchange, 401, "{\"error\":\"invalid_token\"}");
      } else {
        try {
          JWTClaimsSet claims = processor.process(authorization.substring(7), null);
          verified.add(claims);
          send(
              exchange, 200, JSON.writeValueAsString(java.util.Map.of("sub", claims.getSubject())));
        } catch (Exception e) {
          // The reason, never the token: a test failure message must not carry it either.
          refused.add(e.getClass().getSimpleName() + ": " + e.getMessage());
          send(exchange, 401, "{\"error\":\"invalid_token\"}");
        }
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

package dev.ferry.endpoint.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.IndentedJson;
import dev.ferry.http.Router;
import dev.ferry.json.GoJson;
import dev.ferry.signer.Signer;
import dev.ferry.signer.SigningException;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /.well-known/openid-configuration} (Dex HEAD: server/discovery/discovery.go
 * Handler.Construct, Handler.serveDocument): Go struct member order, {@code MarshalIndent} with two
 * spaces, no trailing newline. Endpoint URLs are the issuer's scheme and host plus {@code
 * path.Join(issuerPath, route)}; the issuer itself is echoed verbatim. The document is built on the
 * first request, as at Dex HEAD, and kept once the signer could name its algorithm (until then
 * Dex's fallback {@code RS256} is served but not cached).
 */
public final class DiscoveryEndpoint implements HttpEndpoint {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryEndpoint.class);
  private static final List<String> SCOPES =
      List.of("openid", "email", "groups", "profile", "offline_access");
  private static final List<String> CLAIMS =
      List.of(
          "iss",
          "sub",
          "aud",
          "iat",
          "exp",
          "email",
          "email_verified",
          "locale",
          "name",
          "preferred_username",
          "at_hash",
          "groups",
          "federated_claims");

  private static final IndentedJson INDENTED = new IndentedJson("  ");

  private final String issuer;
  private final String base;
  private final String issuerPath;
  private final Signer signer;
  private final List<String> grantTypes;
  private final List<String> responseTypes;
  private final List<String> codeChallengeMethods;
  private volatile byte @Nullable [] cached;

  /**
   * @param issuerUrl the configured issuer, verbatim
   * @param grantTypes the effective grant types (Dex: server/config.go supportedTypes); sorted here
   *     by byte value
   * @param responseTypes the configured response types (default {@code ["code"]}); sorted here
   * @param codeChallengeMethods PKCE methods, in configured order (default {@code S256, plain})
   */
  public DiscoveryEndpoint(
      String issuerUrl,
      Signer signer,
      List<String> grantTypes,
      List<String> responseTypes,
      List<String> codeChallengeMethods) {
    URI uri = URI.create(issuerUrl);
    this.issuer = issuerUrl;
    this.base = uri.getScheme() + "://" + uri.getRawAuthority();
    this.issuerPath = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.signer = signer;
    this.grantTypes = grantTypes.stream().sorted().toList();
    this.responseTypes = responseTypes.stream().sorted().toList();
    this.codeChallengeMethods = List.copyOf(codeChallengeMethods);
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    byte[] body = cached;
    if (body == null) {
      body = document();
    }
    return HttpResponse.json(200, body);
  }

  private byte[] document() {
    String algorithm;
    boolean cacheable;
    try {
      algorithm = signer.algorithm();
      cacheable = true;
    } catch (SigningException | RuntimeException e) {
      log.atError()
          .setMessage("failed to get signing algorithm")
          .addKeyValue("err", e.getMessage())
          .log();
      algorithm = "RS256";
      cacheable = false;
    }
    ObjectNode doc = GoJson.mapper().createObjectNode();
    doc.put("issuer", issuer);
    doc.put("authorization_endpoint", url("/auth"));
    doc.put("token_endpoint", url("/token"));
    doc.put("jwks_uri", url("/keys"));
    doc.put("userinfo_endpoint", url("/userinfo"));
    doc.put("device_authorization_endpoint", url("/device/code"));
    doc.put("introspection_endpoint", url("/token/introspect"));
    array(doc, "grant_types_supported", grantTypes);
    array(doc, "response_types_supported", responseTypes);
    array(doc, "subject_types_supported", List.of("public"));
    array(doc, "id_token_signing_alg_values_supported", List.of(algorithm));
    array(doc, "code_challenge_methods_supported", codeChallengeMethods);
    array(doc, "scopes_supported", SCOPES);
    array(
        doc,
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post"));
    array(doc, "claims_supported", CLAIMS);
    byte[] body = INDENTED.write(doc);
    if (cacheable) {
      cached = body;
    }
    return body;
  }

  private String url(String route) {
    return base + Router.join(issuerPath, route);
  }

  private static void array(ObjectNode doc, String name, List<String> values) {
    ArrayNode array = doc.putArray(name);
    values.forEach(array::add);
  }
}

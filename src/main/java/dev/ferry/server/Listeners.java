package dev.ferry.server;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.RefreshTokensConfig;
import dev.ferry.config.WebConfig;
import dev.ferry.endpoint.ConnectorIssuers;
import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.auth.AuthFlow;
import dev.ferry.endpoint.auth.AuthSettings;
import dev.ferry.endpoint.discovery.DiscoveryEndpoint;
import dev.ferry.endpoint.discovery.KeysEndpoint;
import dev.ferry.endpoint.health.LivenessEndpoint;
import dev.ferry.endpoint.health.StorageHealthCheck;
import dev.ferry.endpoint.health.TelemetryHealthEndpoint;
import dev.ferry.endpoint.health.WebHealthEndpoint;
import dev.ferry.endpoint.introspect.IntrospectionEndpoint;
import dev.ferry.endpoint.routes.Routes;
import dev.ferry.endpoint.token.ClientAssertions;
import dev.ferry.endpoint.token.ClientAuthenticator;
import dev.ferry.endpoint.token.ConnectorPolicy;
import dev.ferry.endpoint.token.IssuerIdentity;
import dev.ferry.endpoint.token.TokenEndpoint;
import dev.ferry.endpoint.token.grant.GrantCatalogue;
import dev.ferry.endpoint.token.grant.TokenExchangeMetrics;
import dev.ferry.endpoint.userinfo.UserinfoEndpoint;
import dev.ferry.http.CpuWorkers;
import dev.ferry.http.HttpMetrics;
import dev.ferry.http.HttpServer;
import dev.ferry.http.HttpServerSettings;
import dev.ferry.http.MetricsEndpoint;
import dev.ferry.http.Router;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.signer.Signer;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.Storage;
import dev.ferry.token.RefreshPolicy;
import dev.ferry.token.RefreshTokens;
import dev.ferry.token.TokenIssuer;
import dev.ferry.token.TokenVerifier;
import dev.ferry.web.Pages;
import dev.ferry.web.TemplatePages;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the two listeners from the configuration: the web listener with Dex's routes under the
 * issuer path, and the telemetry listener with metrics and health (Dex: server/server.go
 * Server.mount; cmd/dex/serve.go runServe).
 */
final class Listeners {
  private Listeners() {}

  /** What the endpoints are built from. */
  record Components(
      Storage storage,
      Signer signer,
      TokenIssuer issuer,
      TokenVerifier verifier,
      ConnectorLookup connectors,
      StorageHealthCheck health,
      CpuWorkers workers,
      SubjectPolicy policy,
      ReplayLedger ledger,
      AuditSink audit,
      Clock clock,
      SecureRandom random) {}

  /** The started listeners. */
  record Started(HttpServer web, Optional<HttpServer> telemetry) {}

  static Started start(FerryConfig config, Components c) throws StartupException {
    HttpServerSettings settings = webSettings(config.web());
    CpuWorkers workers = c.workers();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      PrometheusRegistry registry = HttpMetrics.newRegistry(Version.current());
      TemplatePages pages = FrontendSetup.pages(config);
      RefreshTokens refreshTokens =
          new RefreshTokens(
              c.storage(),
              refreshPolicy(config.expiry().refreshTokens()),
              c.clock(),
              new IdGenerator(c.random()));

      TokenEndpoint token =
          new TokenEndpoint(
              GrantCatalogue.build(
                  new GrantCatalogue.Dependencies(
                      c.issuer(),
                      c.policy(),
                      c.ledger(),
                      c.audit(),
                      new TokenExchangeMetrics(registry),
                      c.clock(),
                      IssuerIdentity.of(config.issuer()),
                      new ConnectorIssuers(c.storage(), c.connectors(), c.clock()),
                      c.storage(),
                      c.connectors(),
                      refreshTokens,
                      config.oauth2().passwordConnector())),
              config.effectiveGrantTypes(),
              new ClientAuthenticator(
                  c.storage(),
                  new ClientAssertions(
                      config.federatedCredentials(),
                      c.connectors(),
                      c.policy(),
                      c.ledger(),
                      IssuerIdentity.of(config.issuer()))),
              new ConnectorPolicy(c.connectors()));
      Router webRouter =
          Routes.web(
                  Routes.frontend(
                      Router.builder(URI.create(config.issuer()).getRawPath(), c.random())
                          .settings(settings)
                          .metrics(new HttpMetrics(registry)),
                      pages.assets()),
                  new DiscoveryEndpoint(
                      config.issuer(),
                      c.signer(),
                      config.effectiveGrantTypes(),
                      config.oauth2().responseTypes(),
                      config.oauth2().pkce().codeChallengeMethodsSupported()),
                  new KeysEndpoint(c.signer()),
                  token,
                  new UserinfoEndpoint(c.verifier(), workers),
                  new IntrospectionEndpoint(
                      config.issuer(), c.verifier(), c.storage(), workers, refreshTokens),
                  new WebHealthEndpoint(c.health()),
                  authFlow(config, c, pages))
              .build();
      HttpServer web = listen("web", settings, webRouter);
      opened.add(web);

      Router telemetryRouter =
          Routes.telemetry(
                  Router.builder("", c.random()),
                  new MetricsEndpoint(registry),
                  new TelemetryHealthEndpoint(c.health()),
                  new LivenessEndpoint())
              .build();
      String telemetryAddress = config.telemetry().http();
      Optional<HttpServer> telemetry = Optional.empty();
      if (!telemetryAddress.isEmpty()) {
        telemetry =
            Optional.of(
                listen(
                    "telemetry",
                    HttpServerSettings.builder().httpAddress(telemetryAddress).build(),
                    telemetryRouter));
      }
      return new Started(web, telemetry);
    } catch (StartupException | RuntimeException e) {
      for (AutoCloseable resource : opened) {
        try {
          resource.close();
        } catch (Exception ignored) {
          // closing after a failed start: the start failure is what the operator needs
        }
      }
      throw e;
    }
  }

  private static AuthFlow authFlow(FerryConfig config, Components c, Pages pages) {
    return new AuthFlow(
        c.storage(),
        c.connectors(),
        pages,
        c.issuer(),
        c.verifier(),
        c.workers(),
        c.clock(),
        c.random(),
        new AuthSettings(
            config.issuer(),
            config.oauth2().responseTypes(),
            config.oauth2().pkce().enforce(),
            config.oauth2().pkce().codeChallengeMethodsSupported(),
            config.oauth2().alwaysShowLoginScreen(),
            config.oauth2().skipApprovalScreen(),
            config.expiry().authRequests()));
  }

  /** Dex: server/tokens/refresh_strategy.go NewRefreshTokenPolicy. */
  private static RefreshPolicy refreshPolicy(RefreshTokensConfig refresh) {
    return new RefreshPolicy(
        !refresh.disableRotation(),
        refresh.absoluteLifetime(),
        refresh.validIfNotUsedFor(),
        refresh.reuseInterval());
  }

  private static HttpServerSettings webSettings(WebConfig web) {
    return HttpServerSettings.builder()
        .httpAddress(web.http())
        .httpsAddress(web.https())
        .tls(web.tlsCert(), web.tlsKey())
        .tlsVersions(web.tlsMinVersion(), web.tlsMaxVersion())
        .allowedOrigins(web.allowedOrigins())
        .allowedHeaders(web.allowedHeaders())
        .headers(web.headers().asMap())
        .clientRemoteIp(web.clientRemoteIp().header(), web.clientRemoteIp().trustedProxies())
        .build();
  }

  private static HttpServer listen(String name, HttpServerSettings settings, Router router)
      throws StartupException {
    HttpServer server;
    try {
      server = new HttpServer(settings, router);
    } catch (IOException | GeneralSecurityException e) {
      throw new StartupException(
          "listening (" + name + "): cannot load TLS certificate or key: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new StartupException("listening (" + name + "): " + e.getMessage(), e);
    }
    try {
      server.start();
      return server;
    } catch (Exception e) {
      closeQuietly(server);
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof BindException)) {
        cause = cause.getCause();
      }
      String address =
          settings.httpAddress().isEmpty() ? settings.httpsAddress() : settings.httpAddress();
      throw new StartupException(
          "listening (" + name + ") on " + address + ": " + cause.getMessage(), e);
    }
  }

  private static void closeQuietly(HttpServer server) {
    try {
      server.close();
    } catch (Exception ignored) {
      // already failing
    }
  }
}

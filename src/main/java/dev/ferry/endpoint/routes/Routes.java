package dev.ferry.endpoint.routes;

import dev.ferry.endpoint.auth.AuthFlow;
import dev.ferry.endpoint.discovery.DiscoveryEndpoint;
import dev.ferry.endpoint.discovery.KeysEndpoint;
import dev.ferry.endpoint.health.LivenessEndpoint;
import dev.ferry.endpoint.health.TelemetryHealthEndpoint;
import dev.ferry.endpoint.health.WebHealthEndpoint;
import dev.ferry.endpoint.introspect.IntrospectionEndpoint;
import dev.ferry.endpoint.token.TokenEndpoint;
import dev.ferry.endpoint.userinfo.UserinfoEndpoint;
import dev.ferry.http.MetricsEndpoint;
import dev.ferry.http.Router;
import dev.ferry.web.WebAssets;

/**
 * Mounts Ferry's endpoints at Dex's routes. The browser login flow ({@code /auth}, {@code
 * /auth/{connector}}, {@code /auth/{connector}/login}, {@code /callback}, {@code
 * /callback/{connector}}, {@code /approval}) is mounted without CORS, as Dex mounts it; the device
 * flow's routes are not served yet and answer 404, as any unknown path does.
 */
public final class Routes {
  private Routes() {}

  /** The web listener; the builder already carries the issuer path, settings and metrics. */
  public static Router.Builder web(
      Router.Builder router,
      DiscoveryEndpoint discovery,
      KeysEndpoint keys,
      TokenEndpoint token,
      UserinfoEndpoint userinfo,
      IntrospectionEndpoint introspection,
      WebHealthEndpoint health,
      AuthFlow auth) {
    return router
        .corsRoute("/.well-known/openid-configuration", discovery)
        .corsRoute("/token", token)
        .corsRoute("/keys", keys)
        .corsRoute("/userinfo", userinfo)
        .corsRoute("/token/introspect", introspection)
        .route("/healthz", health)
        .route("/auth", auth.authorize())
        .route("/auth/{connector}", auth.connectorLogin())
        .route("/auth/{connector}/login", auth.passwordLogin())
        .route("/callback", auth.callback())
        .route("/callback/{connector}", auth.callback())
        .route("/approval", auth.approval());
  }

  /**
   * The login pages' files on the web listener, at Dex's paths ({@code /static}, {@code /theme},
   * {@code /robots.txt}); files one directory deep ({@code /static/img/x.svg}) are served too.
   */
  public static Router.Builder frontend(Router.Builder router, WebAssets assets) {
    return router
        .route("/static/{file}", assets.staticFiles())
        .route("/static/{dir}/{file}", assets.staticFiles())
        .route("/theme/{file}", assets.themeFiles())
        .route("/theme/{dir}/{file}", assets.themeFiles())
        .route("/robots.txt", assets.robots());
  }

  /** The telemetry listener: mounted at the root, no web headers, no CORS, no HTTP metrics. */
  public static Router.Builder telemetry(
      Router.Builder router,
      MetricsEndpoint metrics,
      TelemetryHealthEndpoint health,
      LivenessEndpoint liveness) {
    return router
        .route("/metrics", metrics)
        .route("/healthz", health)
        .route("/healthz/live", liveness)
        .route("/healthz/ready", health);
  }
}

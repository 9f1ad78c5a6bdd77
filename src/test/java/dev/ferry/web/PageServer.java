package dev.ferry.web;

import dev.ferry.endpoint.routes.Routes;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.HttpServer;
import dev.ferry.http.HttpServerSettings;
import dev.ferry.http.Router;
import dev.ferry.web.Pages.ApprovalPage;
import dev.ferry.web.Pages.ConnectorLink;
import dev.ferry.web.Pages.PasswordPage;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * The real {@link TemplatePages} and its assets behind a tiny router on 127.0.0.1, issuer path
 * {@code /dex}: one route per page with sample values, and form posts answered as the login flow
 * answers them (a wrong password re-renders the form; a right one, and either approval button, is a
 * 303 to {@code afterPost}). Stands in for the login flow in page and browser tests.
 */
final class PageServer implements AutoCloseable {
  static final String USER = "jane@example.com";
  static final String PASSWORD = "correct horse";

  private final HttpServer server;

  PageServer(TemplatePages pages, String afterPost, Map<String, String> webHeaders)
      throws Exception {
    HttpServerSettings settings =
        HttpServerSettings.builder().httpAddress("127.0.0.1:0").headers(webHeaders).build();
    Router router =
        Routes.frontend(
                Router.builder("/dex", new SecureRandom()).settings(settings), pages.assets())
            .route(
                "/login",
                r ->
                    pages.connectorChoice(
                        List.of(
                            new ConnectorLink("mock", "Example", "mockCallback", "/dex/password"),
                            new ConnectorLink("local", "Email", "local", "/dex/password"),
                            new ConnectorLink("corp", "Corporate SSO", "oidc", "/dex/error"))))
            .route(
                "/password",
                r -> {
                  if (!r.method().equals("POST")) {
                    return pages.password(passwordPage("", false));
                  }
                  var form = r.postForm();
                  String login = form.get("login");
                  if (login.equals(USER) && form.get("password").equals(PASSWORD)) {
                    return HttpResponse.redirect(303, afterPost);
                  }
                  return pages.password(passwordPage(login, true));
                })
            .route(
                "/approval",
                r ->
                    r.method().equals("POST")
                        ? HttpResponse.redirect(303, afterPost)
                        : pages.approval(
                            new ApprovalPage(
                                "/dex/approval?req=r1&hmac=m1",
                                "r1",
                                "m1",
                                USER,
                                "Example App",
                                List.of("openid", "email", "profile", "groups", "offline_access"))))
            .route(
                "/error",
                r -> pages.error(400, "Unregistered redirect_uri (\"https://evil.example/\")."))
            .route("/oob", r -> pages.oob("ohrq5n5o3bdqz4lxnx7k6bdqv"))
            .build();
    server = new HttpServer(settings, router);
    server.start();
  }

  private static PasswordPage passwordPage(String username, boolean invalid) {
    return new PasswordPage("/dex/password", username, "Email Address", invalid, "/dex/login");
  }

  /** {@code http://127.0.0.1:<port>/dex} followed by {@code path}. */
  String url(String path) {
    return "http://127.0.0.1:" + server.httpPort().orElseThrow() + "/dex" + path;
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}

package dev.ferry.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.Router;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Pages} rendered from Mustache templates: Ferry's own ({@code /web/templates/*.mustache} on
 * the classpath), each replaceable by a file of the same name in {@code frontend.dir} (Dex:
 * server/templates/templates.go, whose Go templates Ferry cannot render). Everything is read and
 * compiled once, by {@link #load}, so a broken template stops start-up instead of a login.
 *
 * <p>Every template sees {@code issuer} (the display name), {@code logoUrl}, {@code staticUrl},
 * {@code themeUrl}, {@code theme}, {@code title} and {@code extra.<key>}; each page adds its own
 * values (docs/frontend.md lists them). Mustache escapes every {@code {{value}}} for HTML, so
 * values from requests cannot become markup.
 */
public final class TemplatePages implements Pages {
  private static final Logger LOG = LoggerFactory.getLogger(TemplatePages.class);

  /** The pages a directory may replace; the header and footer are partials they include. */
  static final List<String> PAGES = List.of("login", "password", "approval", "error", "oob");

  /**
   * What the approval page says each scope lets the client do. Dex describes the same four scopes
   * and leaves the others out of the list (Dex: server/templates scopeDescriptions); the wording is
   * Ferry's.
   */
  private static final Map<String, String> SCOPE_DESCRIPTIONS =
      Map.of(
          "email", "See your email address",
          "groups", "See the groups you belong to",
          "offline_access", "Keep access while you are away",
          "profile", "See your name and basic profile");

  private final Map<String, Mustache> templates;
  private final Map<String, Object> common;
  private final Map<String, String> headers;
  private final WebAssets assets;

  private TemplatePages(
      Map<String, Mustache> templates,
      Map<String, Object> common,
      Map<String, String> headers,
      WebAssets assets) {
    this.templates = Map.copyOf(templates);
    this.common = Map.copyOf(common);
    this.headers = Map.copyOf(headers);
    this.assets = assets;
  }

  /**
   * Reads the templates and assets (the built-in ones overlaid with {@code settings.dir()}'s) and
   * compiles every page.
   *
   * @throws FrontendException naming the setting or file that cannot be used
   */
  public static TemplatePages load(FrontendSettings settings) throws FrontendException {
    WebFiles files = WebFiles.load(settings.dir(), settings.theme());
    Map<String, String> sources = files.templates();
    DefaultMustacheFactory factory =
        new DefaultMustacheFactory(name -> {
          String source = sources.get(name);
          return source == null ? null : new StringReader(source);
        });
    Map<String, Mustache> compiled = new HashMap<>();
    for (String page : PAGES) {
      String name = page + ".mustache";
      try {
        compiled.put(page, factory.compile(name));
      } catch (MustacheException e) {
        throw new FrontendException(
            "frontend: template " + templatePath(settings, name) + ": " + e.getMessage(), e);
      }
    }
    String issuerPath = settings.issuerPath();
    String logoUrl = logoUrl(issuerPath, settings.logoUrl());
    Map<String, Object> common = new HashMap<>();
    common.put("issuer", settings.issuer().isEmpty() ? "dex" : settings.issuer());
    common.put("logoUrl", logoUrl);
    common.put("staticUrl", Router.join(issuerPath, "static"));
    common.put("themeUrl", Router.join(issuerPath, "theme"));
    common.put("theme", files.theme());
    common.put("extra", settings.extra());
    return new TemplatePages(
        compiled,
        common,
        PageHeaders.of(logoUrl, settings.operatorHeaders()),
        new WebAssets(files));
  }

  /** The static files, theme files and robots.txt the pages use, to mount beside them. */
  public WebAssets assets() {
    return assets;
  }

  /** Connectors sorted by name, ignoring case, as Dex's login page sorts them. */
  @Override
  public HttpResponse connectorChoice(List<ConnectorLink> connectors) {
    List<Map<String, Object>> links = new ArrayList<>();
    connectors.stream()
        .sorted(Comparator.comparing(c -> c.name().toLowerCase(Locale.ROOT)))
        .forEach(c ->
            links.add(Map.of("id", c.id(), "name", c.name(), "type", c.type(), "url", c.url())));
    return render(200, "login", "Sign in", Map.of("connectors", links));
  }

  /** Status 401 after a failed attempt, as Dex answers it; 200 otherwise. */
  @Override
  public HttpResponse password(PasswordPage page) {
    return render(
        page.invalid() ? 401 : 200,
        "password",
        "Sign in",
        Map.of(
            "postUrl", page.postUrl(),
            "username", page.username(),
            "usernamePrompt", page.usernamePrompt(),
            "invalid", page.invalid(),
            "backLink", page.backLink()));
  }

  @Override
  public HttpResponse approval(ApprovalPage page) {
    Set<String> described = new LinkedHashSet<>();
    for (String scope : page.scopes()) {
      String description = SCOPE_DESCRIPTIONS.get(scope);
      if (description != null) {
        described.add(description);
      }
    }
    List<String> scopes = described.stream().sorted().toList();
    return render(
        200,
        "approval",
        "Allow access",
        Map.of(
            "postUrl", page.postUrl(),
            "authRequestId", page.authRequestId(),
            "hmac", page.hmac(),
            "user", page.username(),
            "client", page.clientName(),
            "scopes", scopes));
  }

  @Override
  public HttpResponse error(int status, String message) {
    String type = GoStatusText.of(status);
    return render(
        status,
        "error",
        type.isEmpty() ? "Error" : type,
        Map.of("status", status, "errorType", type, "errorMessage", message));
  }

  @Override
  public HttpResponse oob(String code) {
    return render(200, "oob", "Signed in", Map.of("code", code));
  }

  private HttpResponse render(int status, String page, String title, Map<String, Object> values) {
    Map<String, Object> scope = new HashMap<>(common);
    scope.put("title", title);
    scope.putAll(values);
    StringWriter out = new StringWriter();
    try {
      Mustache template = templates.get(page);
      if (template == null) {
        throw new IllegalStateException("no template for page " + page);
      }
      template.execute(out, scope);
    } catch (RuntimeException e) {
      // Dex answers a template that fails to render with a bare 500 (renderTemplate); so does
      // Ferry, without the template's error, which may quote the page's values.
      LOG.error("rendering the {} page failed: {}", page, e.getClass().getName());
      return HttpResponse.htmlError(500, "Internal Server Error", "Internal server error.")
          .withHeader("Cache-Control", "no-store");
    }
    HttpResponse response =
        HttpResponse.of(status, HttpResponse.HTML, out.toString().getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, String> header : headers.entrySet()) {
      response = response.withHeader(header.getKey(), header.getValue());
    }
    return response;
  }

  /**
   * The logo's URL in the page: an absolute URL as it is, anything else as a path under the issuer
   * (Dex resolves a relative {@code logoURL} against the issuer path the same way, and defaults it
   * to the theme's logo).
   */
  static String logoUrl(String issuerPath, String configured) {
    if (configured.isEmpty()) {
      return Router.join(issuerPath, "theme/logo.svg");
    }
    try {
      if (new URI(configured).getScheme() != null) {
        return configured;
      }
    } catch (URISyntaxException e) {
      // Not a URL; used as a path like any other relative value.
    }
    return Router.join(issuerPath, configured);
  }

  private static String templatePath(FrontendSettings settings, String name) {
    return settings
        .dir()
        .map(d -> "templates/" + name + " (built-in or in " + d + ")")
        .orElse(name);
  }
}

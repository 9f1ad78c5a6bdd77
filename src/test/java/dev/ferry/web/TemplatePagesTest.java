package dev.ferry.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.http.HttpResponse;
import dev.ferry.web.Pages.ApprovalPage;
import dev.ferry.web.Pages.ConnectorLink;
import dev.ferry.web.Pages.PasswordPage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every built-in page rendered: values escaped, labelled inputs, headers, theme, logo, extra. */
class TemplatePagesTest {
  static final String HOSTILE = "<script>alert(\"x\")</script>' onmouseover='y";

  private static TemplatePages pages(FrontendSettings settings) throws FrontendException {
    return TemplatePages.load(settings);
  }

  private static TemplatePages builtIn() throws FrontendException {
    return pages(FrontendSettings.defaults("/dex"));
  }

  @Test
  void connectorChoiceListsEveryConnectorSortedByNameIgnoringCase() throws Exception {
    HttpResponse page =
        builtIn()
            .connectorChoice(
                List.of(
                    new ConnectorLink("z", "zendesk", "oidc", "/dex/auth/z?state=1"),
                    new ConnectorLink("o", "Okta", "oidc", "/dex/auth/o?state=1"),
                    new ConnectorLink("l", "LDAP", "ldap", "/dex/auth/l?state=1")));

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers()).containsEntry("Content-Type", "text/html; charset=utf-8");
    assertThat(page.headers().get("Content-Length"))
        .isEqualTo(Integer.toString(page.body().length));
    assertThat(hrefs(page.bodyText()))
        .containsExactly(
            "/dex/auth/l?state&#61;1", "/dex/auth/o?state&#61;1", "/dex/auth/z?state&#61;1");
    assertThat(page.bodyText())
        .contains("Continue with LDAP")
        .contains("<title>Sign in · dex</title>")
        .contains("<h1>Sign in to dex</h1>");
  }

  @Test
  void connectorNamesAndUrlsAreEscaped() throws Exception {
    String body =
        builtIn()
            .connectorChoice(List.of(new ConnectorLink("x", HOSTILE, "oidc", "/a?b=1&c=\"2\"")))
            .bodyText();

    assertThat(body).doesNotContain("<script>").doesNotContain("' onmouseover");
    assertThat(body)
        .contains("&lt;script&gt;")
        .contains("href=\"/a?b&#61;1&amp;c&#61;&quot;2&quot;\"");
  }

  @Test
  void passwordFormLabelsBothInputsAndPostsLoginAndPassword() throws Exception {
    HttpResponse page =
        builtIn()
            .password(
                new PasswordPage(
                    "/dex/auth/local/login?back=&state=abc", "", "Email Address", false, ""));

    assertThat(page.status()).isEqualTo(200);
    String body = page.bodyText();
    assertThat(body)
        .contains(
            "<form method=\"post\" action=\"/dex/auth/local/login?back&#61;&amp;state&#61;abc\"");
    assertThat(body).contains("<label for=\"login\">Email Address</label>");
    assertThat(body).contains("<input id=\"login\" name=\"login\" type=\"text\"");
    assertThat(body).contains("<label for=\"password\">Password</label>");
    assertThat(body).contains("<input id=\"password\" name=\"password\" type=\"password\"");
    assertThat(labelledIds(body)).containsExactlyInAnyOrderElementsOf(inputIds(body));
    // First visit: the username field has the focus; no error, no back link, no tabindex games.
    assertThat(tag(body, "login")).contains("autofocus");
    assertThat(tag(body, "password")).doesNotContain("autofocus");
    assertThat(body)
        .doesNotContain("role=\"alert\"")
        .doesNotContain("another way")
        .doesNotContain("tabindex");
  }

  @Test
  void aFailedPasswordAttemptIs401WithTheUsernameKeptAndTheErrorAnnounced() throws Exception {
    HttpResponse page =
        builtIn()
            .password(
                new PasswordPage(
                    "/dex/auth/local/login?state=abc", HOSTILE, "Username", true, "/dex/auth?x=1"));

    assertThat(page.status()).isEqualTo(401);
    String body = page.bodyText();
    assertThat(body).doesNotContain("<script>").doesNotContain("' onmouseover");
    assertThat(tag(body, "login"))
        .contains(
            "value=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover&#61;&#39;y\"")
        .contains("aria-describedby=\"login-failed\"")
        .doesNotContain("autofocus");
    assertThat(tag(body, "password")).contains("autofocus");
    assertThat(body).contains("id=\"login-failed\" role=\"alert\"");
    assertThat(body).contains("<a href=\"/dex/auth?x&#61;1\">Use another way to sign in</a>");
  }

  @Test
  void approvalDescribesKnownScopesOnlyAndBindsBothFormsToTheAuthRequest() throws Exception {
    HttpResponse page =
        builtIn()
            .approval(
                new ApprovalPage(
                    "/dex/approval?req=r1&hmac=m1",
                    "r1",
                    "m1\"x",
                    HOSTILE,
                    "Kube <CLI>",
                    List.of(
                        "openid",
                        "profile",
                        "email",
                        "groups",
                        "offline_access",
                        "audience:server:client_id:x",
                        "email")));

    assertThat(page.status()).isEqualTo(200);
    String body = page.bodyText();
    assertThat(listItems(body))
        .containsExactly(
            "Keep access while you are away",
            "See the groups you belong to",
            "See your email address",
            "See your name and basic profile");
    assertThat(body).contains("<h1>Allow Kube &lt;CLI&gt;?</h1>");
    assertThat(body).doesNotContain("<script>").doesNotContain("<CLI>");
    assertThat(
            count(
                body, "<form method=\"post\" action=\"/dex/approval?req&#61;r1&amp;hmac&#61;m1\">"))
        .isEqualTo(2);
    assertThat(count(body, "<input type=\"hidden\" name=\"req\" value=\"r1\">")).isEqualTo(2);
    assertThat(count(body, "<input type=\"hidden\" name=\"hmac\" value=\"m1&quot;x\">"))
        .isEqualTo(2);
    assertThat(body)
        .contains("name=\"approval\" value=\"approve\"")
        .contains("name=\"approval\" value=\"rejected\"");
    // Allow comes first in the focus order.
    assertThat(body.indexOf("value=\"approve\"")).isLessThan(body.indexOf("value=\"rejected\""));
  }

  @Test
  void approvalWithoutDescribedScopesStillSaysWhatIsShared() throws Exception {
    String body =
        builtIn()
            .approval(new ApprovalPage("/dex/approval", "r", "m", "jane", "app", List.of("openid")))
            .bodyText();

    assertThat(listItems(body)).containsExactly("confirm who you are");
  }

  @Test
  void errorPageHeadsWithGosStatusTextAndEscapesTheMessage() throws Exception {
    HttpResponse page = builtIn().error(413, "Too big: " + HOSTILE);

    assertThat(page.status()).isEqualTo(413);
    assertThat(page.bodyText())
        .contains("<h1>Request Entity Too Large</h1>")
        .contains("Too big: &lt;script&gt;")
        .doesNotContain("<script>");
    // A status Go has no text for (Go's StatusText is empty) still gets a heading.
    assertThat(builtIn().error(499, "x").bodyText()).contains("<h1>Error 499</h1>");
    assertThat(builtIn().error(400, "Invalid client_id.").bodyText())
        .contains("<h1>Bad Request</h1>")
        .contains("<title>Bad Request · dex</title>");
  }

  @Test
  void oobPageShowsTheCodeInALabelledReadOnlyField() throws Exception {
    HttpResponse page = builtIn().oob("code<1>");

    assertThat(page.status()).isEqualTo(200);
    String body = page.bodyText();
    assertThat(tag(body, "code")).contains("readonly").contains("value=\"code&lt;1&gt;\"");
    assertThat(labelledIds(body)).contains("code");
  }

  @Test
  void everyPageIsAPhoneReadyDocumentWithTheThemeAndNoScript() throws Exception {
    TemplatePages pages = builtIn();
    for (HttpResponse page : allPages(pages)) {
      String body = page.bodyText();
      assertThat(body).startsWith("<!DOCTYPE html>\n<html lang=\"en\">");
      assertThat(body)
          .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
      assertThat(body).contains("<link rel=\"stylesheet\" href=\"/dex/static/main.css\">");
      assertThat(body).contains("<link rel=\"stylesheet\" href=\"/dex/theme/styles.css\">");
      assertThat(body)
          .contains("<img class=\"banner-logo\" src=\"/dex/theme/logo.svg\" alt=\"dex\">");
      assertThat(body).contains("<main class=\"card\">").contains("<h1>");
      assertThat(body)
          .doesNotContain("<script")
          .doesNotContain("style=")
          .doesNotContainPattern(" on[a-z]+=");
    }
  }

  @Test
  void everyPageCarriesTheSecurityHeaders() throws Exception {
    for (HttpResponse page : allPages(builtIn())) {
      assertThat(page.headers())
          .containsEntry(
              "Content-Security-Policy",
              "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none';"
                  + " base-uri 'none'")
          .containsEntry("X-Frame-Options", "DENY")
          .containsEntry("X-Content-Type-Options", "nosniff")
          .containsEntry("Referrer-Policy", "no-referrer")
          .containsEntry("Cache-Control", "no-store");
    }
  }

  @Test
  void anOperatorsWebHeadersReplaceThePagesOwn() throws Exception {
    TemplatePages pages =
        pages(
            new FrontendSettings(
                "",
                Optional.empty(),
                "",
                "",
                "",
                Map.of(),
                Map.of(
                    "content-security-policy", "default-src 'self'",
                    "X-Frame-Options", "SAMEORIGIN")));

    HttpResponse page = pages.error(400, "x");

    assertThat(page.headers())
        .containsEntry("Content-Security-Policy", "default-src 'self'")
        .containsEntry("X-Frame-Options", "SAMEORIGIN")
        .containsEntry("Referrer-Policy", "no-referrer");
    assertThat(page.headers().keySet())
        .filteredOn(k -> k.equalsIgnoreCase("content-security-policy"))
        .hasSize(1);
  }

  @Test
  void issuerNameLogoAndExtraReachTheTemplates() throws Exception {
    TemplatePages pages =
        pages(
            new FrontendSettings(
                "/",
                Optional.empty(),
                "Acme <SSO>",
                "https://cdn.example.com:8443/logo.png?v=1",
                "dark",
                Map.of("tagline", "hi"),
                Map.of()));

    HttpResponse page = pages.error(404, "gone");

    assertThat(page.bodyText())
        .contains("<title>Not Found · Acme &lt;SSO&gt;</title>")
        .contains("src=\"https://cdn.example.com:8443/logo.png?v&#61;1\" alt=\"Acme &lt;SSO&gt;\"")
        .contains("href=\"/static/main.css\"")
        .contains("href=\"/theme/styles.css\"");
    assertThat(page.headers().get("Content-Security-Policy"))
        .contains("img-src 'self' https://cdn.example.com:8443;");
  }

  @Test
  void aRelativeLogoUrlIsAPathUnderTheIssuerAndNeedsNoCspSource() throws Exception {
    assertThat(TemplatePages.logoUrl("/dex", "static/img/acme.png"))
        .isEqualTo("/dex/static/img/acme.png");
    assertThat(TemplatePages.logoUrl("/dex", "")).isEqualTo("/dex/theme/logo.svg");
    assertThat(TemplatePages.logoUrl("", "")).isEqualTo("/theme/logo.svg");
    assertThat(TemplatePages.logoUrl("/dex", "https://x.example/l.png"))
        .isEqualTo("https://x.example/l.png");
    assertThat(PageHeaders.logoSource("/dex/static/img/acme.png")).isEmpty();
    assertThat(PageHeaders.logoSource("data:image/png;base64,AAAA")).contains("data:");
    assertThat(PageHeaders.logoSource("HTTP://Logo.Example/l.png")).contains("http://logo.example");
    assertThat(PageHeaders.logoSource("https://[::1]:9/l.png")).contains("https://[::1]:9");
    assertThat(PageHeaders.logoSource("javascript:alert(1)")).isEmpty();
  }

  @Test
  void themesOtherThanTheBuiltInOnesNeedAFrontendDir() {
    assertThatThrownBy(() -> pages(withTheme("solarized")))
        .isInstanceOf(FrontendException.class)
        .hasMessage(
            "frontend.theme: no theme \"solarized\": the built-in themes are light, dark (others"
                + " come from frontend.dir/themes/<theme>/)");
    assertThatThrownBy(() -> pages(withTheme("../etc")))
        .isInstanceOf(FrontendException.class)
        .hasMessageStartingWith("frontend.theme: \"../etc\" is not a theme name");
  }

  @Test
  void dexsLegacyThemeNamesMeanLight() throws Exception {
    for (String legacy : List.of("coreos", "tectonic", "")) {
      assertThat(WebFiles.load(Optional.empty(), legacy).theme()).isEqualTo("light");
    }
    assertThat(
            new String(
                WebFiles.load(Optional.empty(), "dark").themeFiles().get("styles.css"),
                java.nio.charset.StandardCharsets.UTF_8))
        .contains("color-scheme: dark");
    assertThat(
            new String(
                WebFiles.load(Optional.empty(), "light").themeFiles().get("styles.css"),
                java.nio.charset.StandardCharsets.UTF_8))
        .contains("color-scheme: light");
  }

  private static FrontendSettings withTheme(String theme) {
    return new FrontendSettings("", Optional.empty(), "", "", theme, Map.of(), Map.of());
  }

  static List<HttpResponse> allPages(TemplatePages pages) {
    return List.of(
        pages.connectorChoice(List.of(new ConnectorLink("a", "A", "mockCallback", "/dex/auth/a"))),
        pages.password(new PasswordPage("/dex/auth/a/login", "", "Username", false, "")),
        pages.approval(new ApprovalPage("/dex/approval", "r", "m", "u", "c", List.of("openid"))),
        pages.error(500, "boom"),
        pages.oob("code"));
  }

  static List<String> hrefs(String body) {
    return all(body, "<a class=\"button\" href=\"([^\"]*)\"");
  }

  static List<String> listItems(String body) {
    return all(body, "<li>([^<]*)</li>");
  }

  static List<String> labelledIds(String body) {
    return all(body, "<label for=\"([^\"]*)\">");
  }

  static List<String> inputIds(String body) {
    return all(body, "<input id=\"([^\"]*)\"");
  }

  /** The {@code <input>} tag with this id. */
  static String tag(String body, String id) {
    Matcher m = Pattern.compile("<input id=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(body);
    assertThat(m.find()).as("input #" + id).isTrue();
    return m.group();
  }

  private static List<String> all(String body, String regex) {
    Matcher m = Pattern.compile(regex).matcher(body);
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static int count(String body, String needle) {
    int n = 0;
    for (int i = body.indexOf(needle); i >= 0; i = body.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}

package dev.ferry.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Browser;
import dev.ferry.testing.Browser.Viewport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/**
 * The built-in pages in headless Chromium, served by the real {@link TemplatePages} behind a tiny
 * router ({@link PageServer}): keyboard focus order, labels, a keyboard-only password login, the
 * phone layout, the CSP letting the pages' own styles and logo load, and why the CSP has no {@code
 * form-action}. Writes docs/screenshots/password-dark.png; the other screenshots there come from a
 * real login ({@code dev.ferry.server.BrowserLoginEndToEndTest}).
 */
class BrowserPagesTest {
  private static PageServer client;
  private static PageServer ferry;
  private static Browser desktop;

  @BeforeAll
  static void start() throws Exception {
    desktop = Browser.start(Viewport.DESKTOP);
    // The "client": another origin (localhost, not 127.0.0.1) that the forms' answers redirect to.
    client = new PageServer(builtIn(Map.of()), "/dex/oob", Map.of());
    ferry = new PageServer(builtIn(Map.of()), clientLanding(), Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {desktop, ferry, client}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static TemplatePages builtIn(Map<String, String> operatorHeaders)
      throws FrontendException {
    return TemplatePages.load(
        new FrontendSettings("/dex", Optional.empty(), "Ferry", "", "", Map.of(), operatorHeaders));
  }

  private static String clientLanding() {
    return client.url("/oob").replace("127.0.0.1", "localhost");
  }

  @Test
  void passwordFormIsLabelledAndWorksWithTheKeyboardAlone() throws Exception {
    desktop.open(ferry.url("/password"));

    assertThat(desktop.unlabelledControls()).isEmpty();
    assertThat(desktop.find("#login").getAccessibleName()).isEqualTo("Email Address");
    assertThat(desktop.find("#password").getAccessibleName()).isEqualTo("Password");
    assertThat(desktop.tabOrder(10))
        .containsExactly(
            "input#login", "input#password", "button:Sign in", "a:Use another way to sign in");

    // A wrong password: the form comes back with the username kept and the error announced.
    desktop.open(ferry.url("/password"));
    desktop
        .driver()
        .switchTo()
        .activeElement()
        .sendKeys(PageServer.USER, Keys.TAB, "wrong", Keys.ENTER);
    assertThat(desktop.find("[role=alert]").getText()).contains("not accepted");
    assertThat(desktop.find("#login").getAttribute("value")).isEqualTo(PageServer.USER);
    assertThat(desktop.focused()).isEqualTo("input#password");

    desktop.driver().switchTo().activeElement().sendKeys(PageServer.PASSWORD, Keys.ENTER);
    desktop.awaitUrl(clientLanding());
  }

  @Test
  void connectorChoiceIsAListOfLinksInNameOrder() throws Exception {
    desktop.open(ferry.url("/login"));

    assertThat(desktop.tabOrder(10))
        .containsExactly(
            "a:Continue with Corporate SSO", "a:Continue with Email", "a:Continue with Example");
    // Following the second link with the keyboard alone.
    desktop.open(ferry.url("/login"));
    desktop.driver().switchTo().activeElement().sendKeys(Keys.TAB);
    desktop.driver().switchTo().activeElement().sendKeys(Keys.TAB);
    desktop.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
    desktop.awaitUrl(ferry.url("/password"));
  }

  @Test
  void approvalOffersAllowFirstAndItsAnswerReachesTheClientsOrigin() throws Exception {
    desktop.open(ferry.url("/approval"));

    assertThat(desktop.tabOrder(10)).containsExactly("button:Allow", "button:Deny");
    desktop.open(ferry.url("/approval"));
    desktop.driver().switchTo().activeElement().sendKeys(Keys.TAB);
    desktop.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
    // Ferry's CSP lets the 303 after the post go to the client's origin.
    desktop.awaitUrl(clientLanding());
  }

  @Test
  void errorPageSaysWhatWentWrong() throws Exception {
    desktop.open(ferry.url("/error"));

    assertThat(desktop.find("h1").getText()).isEqualTo("Bad Request");
    assertThat(desktop.find("[role=alert]").getText())
        .isEqualTo("Unregistered redirect_uri (\"https://evil.example/\").");
  }

  @Test
  void stylesAndLogoLoadUnderTheContentSecurityPolicy() {
    desktop.consoleMessages();
    desktop.open(ferry.url("/password"));

    assertThat(desktop.script("return getComputedStyle(document.body).backgroundColor;"))
        .isEqualTo("rgb(243, 245, 248)");
    assertThat(desktop.script("return getComputedStyle(document.body).display;"))
        .isEqualTo("block");
    assertThat((Long) desktop.script("return document.querySelector('.banner-logo').naturalWidth;"))
        .isPositive();
    assertThat(desktop.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
  }

  @Test
  void theDarkThemeAndALogoFromAnotherOriginLoadUnderTheirCsp() throws Exception {
    String logo = client.url("/theme/logo.svg").replace("127.0.0.1", "localhost");
    TemplatePages dark =
        TemplatePages.load(
            new FrontendSettings(
                "/dex", Optional.empty(), "Acme", logo, "dark", Map.of(), Map.of()));
    try (PageServer darkServer = new PageServer(dark, clientLanding(), Map.of())) {
      desktop.consoleMessages();
      desktop.open(darkServer.url("/password"));
      desktop.screenshot("password-dark");

      assertThat(desktop.script("return getComputedStyle(document.body).backgroundColor;"))
          .isEqualTo("rgb(16, 20, 27)");
      assertThat(desktop.script("return document.querySelector('.banner-logo').currentSrc;"))
          .isEqualTo(logo);
      assertThat(
              (Long) desktop.script("return document.querySelector('.banner-logo').naturalWidth;"))
          .isPositive();
      assertThat(desktop.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }
  }

  @Test
  void formActionSelfWouldStopTheRedirectToTheClient() throws Exception {
    // What an operator's CSP with form-action 'self' does: the post is sent, but Chromium refuses
    // to follow the 303 to another origin, so the login never reaches the client.
    String strict =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    Map<String, String> headers = Map.of("Content-Security-Policy", strict);
    try (PageServer withFormAction = new PageServer(builtIn(headers), clientLanding(), headers)) {
      desktop.consoleMessages();
      desktop.open(withFormAction.url("/approval"));
      desktop.find("button.primary").click();

      assertThat(desktop.awaitConsole(m -> m.contains("form-action")))
          .anyMatch(m -> m.contains("violates the following Content Security Policy directive"));
      assertThat(desktop.driver().getCurrentUrl()).doesNotStartWith("http://localhost:");
    }
  }

  @Test
  void everyPageFitsAPhoneWithoutSidewaysScrolling() throws Exception {
    try (Browser phone = Browser.start(Viewport.PHONE)) {
      for (String page : List.of("login", "password", "approval", "error")) {
        phone.open(ferry.url("/" + page));

        assertThat(phone.scrollsSideways()).as(page).isFalse();
        assertThat(phone.unlabelledControls()).as(page).isEmpty();
        assertThat((Long) phone.script("return window.innerWidth;")).isEqualTo(390L);
      }
    }
  }
}

package dev.ferry.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code frontend.dir}: Ferry-format files replace the built-in ones of the same path. */
class FrontendDirTest {
  @TempDir Path dir;

  private void write(String path, String content) throws Exception {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private TemplatePages load(String theme, Map<String, String> extra) throws FrontendException {
    return TemplatePages.load(
        new FrontendSettings("/dex", Optional.of(dir), "Acme", "", theme, extra, Map.of()));
  }

  private WebFiles files(String theme) throws FrontendException {
    return WebFiles.load(Optional.of(dir), theme);
  }

  @Test
  void aTemplateInTheDirectoryReplacesTheBuiltInOneAndSeesExtra() throws Exception {
    write(
        "templates/error.mustache",
        "{{> header}}<h1>{{errorType}}</h1><p>{{errorMessage}}</p><p>{{extra.support}}</p>{{>"
            + " footer}}");

    TemplatePages pages = load("", Map.of("support", "Call <x>"));
    String error = pages.error(403, "no").bodyText();
    String oob = pages.oob("c").bodyText();

    assertThat(error)
        .contains("<h1>Forbidden</h1><p>no</p><p>Call &lt;x&gt;</p>")
        .contains("<title>Forbidden · Acme</title>")
        .doesNotContain("Go back to the application");
    // Pages the directory does not replace stay Ferry's.
    assertThat(oob).contains("<h1>You are signed in</h1>");
  }

  @Test
  void aReplacedPartialChangesEveryPage() throws Exception {
    write("templates/footer.mustache", "<footer>{{extra.footer}}</footer></main></body></html>\n");

    TemplatePages pages = load("", Map.of("footer", "Acme IT"));

    for (var page : TemplatePagesTest.allPages(pages)) {
      assertThat(page.bodyText()).contains("<footer>Acme IT</footer>");
    }
  }

  @Test
  void dexFormatTemplatesAreRefusedNamingTheFile() throws Exception {
    write("templates/login.html", "{{ range $c := .Connectors }}{{ end }}");
    write("templates/login.mustache", "{{> header}}{{> footer}}");

    assertThatThrownBy(() -> load("", Map.of()))
        .isInstanceOf(FrontendException.class)
        .hasMessage(
            "frontend.dir: templates/login.html is a Dex (Go html/template) template, which Ferry"
                + " cannot render; Ferry reads Mustache templates named"
                + " templates/<page>.mustache (see docs/frontend.md)");
  }

  @Test
  void aTemplateThatDoesNotCompileStopsTheStartNamingIt() throws Exception {
    write("templates/password.mustache", "{{> header}}{{#invalid}}oops{{> footer}}");

    assertThatThrownBy(() -> load("", Map.of()))
        .isInstanceOf(FrontendException.class)
        .hasMessageStartingWith(
            "frontend: template templates/password.mustache (built-in or in " + dir + "): ");
  }

  @Test
  void aMissingPartialStopsTheStart() throws Exception {
    write("templates/oob.mustache", "{{> banner}}{{code}}");

    assertThatThrownBy(() -> load("", Map.of()))
        .isInstanceOf(FrontendException.class)
        .hasMessageContaining("templates/oob.mustache")
        .hasMessageContaining("banner");
  }

  @Test
  void theDirectoryMustExist() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() ->
            TemplatePages.load(
                new FrontendSettings("", Optional.of(missing), "", "", "", Map.of(), Map.of())))
        .isInstanceOf(FrontendException.class)
        .hasMessage("frontend.dir: " + missing + " is not a directory");
  }

  @Test
  void staticFilesThemesAndRobotsAreOverlaid() throws Exception {
    write("static/main.css", "body{}");
    write("static/img/acme.svg", "<svg/>");
    write("static/img/deeper/x.svg", "<svg/>");
    write("themes/dark/logo.svg", "<svg id=acme/>");
    write("robots.txt", "User-agent: *\nAllow: /\n");

    WebFiles files = files("dark");

    assertThat(files.staticFiles()).containsOnlyKeys("main.css", "img/acme.svg");
    assertThat(new String(files.staticFiles().get("main.css"), StandardCharsets.UTF_8))
        .isEqualTo("body{}");
    assertThat(files.themeFiles()).containsOnlyKeys("styles.css", "logo.svg", "favicon.svg");
    assertThat(new String(files.themeFiles().get("logo.svg"), StandardCharsets.UTF_8))
        .isEqualTo("<svg id=acme/>");
    assertThat(new String(files.themeFiles().get("styles.css"), StandardCharsets.UTF_8))
        .contains("color-scheme: dark");
    assertThat(new String(files.robots(), StandardCharsets.UTF_8))
        .isEqualTo("User-agent: *\nAllow: /\n");
  }

  @Test
  void aThemeOfTheDirectoryIsServedAlone() throws Exception {
    write("themes/acme/styles.css", ":root{--page:#fff}");

    WebFiles files = files("acme");

    assertThat(files.theme()).isEqualTo("acme");
    assertThat(files.themeFiles()).containsOnlyKeys("styles.css");
    assertThatThrownBy(() -> files("other"))
        .isInstanceOf(FrontendException.class)
        .hasMessage(
            "frontend.theme: no theme \"other\": it is neither built in (light, dark) nor a"
                + " directory "
                + dir.resolve("themes").resolve("other"));
  }

  @Test
  void aHugeFileIsRefusedNamingIt() throws Exception {
    Path big = dir.resolve("static/huge.png");
    Files.createDirectories(big.getParent());
    Files.write(big, new byte[(int) WebFiles.MAX_FILE_BYTES + 1]);

    assertThatThrownBy(() -> files(""))
        .isInstanceOf(FrontendException.class)
        .hasMessage("frontend.dir: static/huge.png is larger than 4 MiB");
  }

  @Test
  void otherFilesInTemplatesAreIgnored() throws Exception {
    write("templates/README.md", "notes");
    write("templates/partials.txt", "x");

    assertThat(files("").templates().keySet())
        .containsExactlyInAnyOrderElementsOf(
            WebFiles.BUILT_IN_TEMPLATES.stream().map(t -> t + ".mustache").toList());
  }
}

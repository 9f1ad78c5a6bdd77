package dev.ferry.server;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.FrontendConfig;
import dev.ferry.web.FrontendException;
import dev.ferry.web.FrontendSettings;
import dev.ferry.web.TemplatePages;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Maps the {@code frontend} section (and the listener's {@code web.headers}) to the web package's
 * own settings and loads the pages once (Dex: server/config.go webConfig, LoadWebConfig).
 */
final class FrontendSetup {
  private FrontendSetup() {}

  static FrontendSettings settings(FerryConfig config) {
    FrontendConfig frontend = config.frontend();
    return new FrontendSettings(
        URI.create(config.issuer()).getRawPath(),
        frontend.dir().isEmpty() ? Optional.empty() : Optional.of(Path.of(frontend.dir())),
        frontend.issuer(),
        frontend.logoUrl(),
        frontend.theme(),
        frontend.extra(),
        config.web().headers().asMap());
  }

  /** The pages, or the start-up failure naming the file or setting that is wrong. */
  static TemplatePages pages(FerryConfig config) throws StartupException {
    try {
      return TemplatePages.load(settings(config));
    } catch (FrontendException e) {
      throw new StartupException("loading the frontend: " + e.getMessage(), e);
    }
  }

  /** For {@code config check}: the frontend's problem, if it cannot be loaded. */
  static Optional<String> problem(FerryConfig config) {
    try {
      TemplatePages.load(settings(config));
      return Optional.empty();
    } catch (FrontendException e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }
}

package dev.ferry.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The frontend's files, read once at start-up: the built-in ones from the classpath ({@code
 * /web/...}), each replaced by the file of the same path in {@code frontend.dir} when there is one
 * (Dex: server/templates/templates.go LoadWebConfig reads the same layout, {@code templates/},
 * {@code static/}, {@code themes/<theme>/}, {@code robots.txt}, but all from one place).
 *
 * <p>Overriding file by file means a directory needs only what it changes; a template it lacks
 * falls back to Ferry's. A Dex-format template ({@code templates/*.html}) is refused rather than
 * silently ignored: Ferry cannot render Go templates, and an operator pointing {@code frontend.dir}
 * at a Dex web directory must learn so at start-up, not from pages that look unchanged.
 */
final class WebFiles {
  /** Dex's default theme, also for its legacy names {@code coreos} and {@code tectonic}. */
  static final String DEFAULT_THEME = "light";

  static final List<String> BUILT_IN_THEMES = List.of("light", "dark");
  static final List<String> BUILT_IN_TEMPLATES =
      List.of("header", "footer", "login", "password", "approval", "error", "oob");
  private static final List<String> BUILT_IN_STATIC = List.of("main.css");
  private static final List<String> BUILT_IN_THEME_FILES =
      List.of("styles.css", "logo.svg", "favicon.svg");

  /** Frontend files are read into memory; a file this large is a mistake, not a page asset. */
  static final long MAX_FILE_BYTES = 4L << 20;

  /** Directories below {@code static/} and the theme that are served ({@code img/x.svg}). */
  private static final int MAX_ASSET_DEPTH = 2;

  private static final Pattern THEME_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z0-9_-]+\\.mustache");

  private final String theme;
  private final Map<String, String> templates;
  private final Map<String, byte[]> staticFiles;
  private final Map<String, byte[]> themeFiles;
  private final byte[] robots;

  private WebFiles(
      String theme,
      Map<String, String> templates,
      Map<String, byte[]> staticFiles,
      Map<String, byte[]> themeFiles,
      byte[] robots) {
    this.theme = theme;
    this.templates = Map.copyOf(templates);
    this.staticFiles = Map.copyOf(staticFiles);
    this.themeFiles = Map.copyOf(themeFiles);
    this.robots = robots;
  }

  /**
   * Reads the built-in files and overlays {@code dir}'s.
   *
   * @throws FrontendException naming the setting or file that cannot be used
   */
  static WebFiles load(Optional<Path> dir, String configuredTheme) throws FrontendException {
    String theme = themeName(configuredTheme);
    if (!isThemeName(theme)) {
      throw new FrontendException(
          "frontend.theme: \"" + theme + "\" is not a theme name (letters, digits, . _ -)");
    }
    if (dir.isPresent() && !Files.isDirectory(dir.get())) {
      throw new FrontendException("frontend.dir: " + dir.get() + " is not a directory");
    }
    Map<String, String> templates = new TreeMap<>();
    for (String name : BUILT_IN_TEMPLATES) {
      templates.put(
          name + ".mustache",
          new String(builtIn("templates/" + name + ".mustache"), StandardCharsets.UTF_8));
    }
    Map<String, byte[]> staticFiles = new TreeMap<>();
    for (String name : BUILT_IN_STATIC) {
      staticFiles.put(name, builtIn("static/" + name));
    }
    Map<String, byte[]> themeFiles = new TreeMap<>();
    boolean builtInTheme = BUILT_IN_THEMES.contains(theme);
    if (builtInTheme) {
      for (String name : BUILT_IN_THEME_FILES) {
        themeFiles.put(name, builtIn("themes/" + theme + "/" + name));
      }
    }
    byte[] robots = builtIn("robots.txt");

    if (dir.isPresent()) {
      Path root = dir.get();
      overlayTemplates(root, templates);
      overlayAssets(root, root.resolve("static"), staticFiles);
      Path themeDir = root.resolve("themes").resolve(theme);
      if (!builtInTheme && !Files.isDirectory(themeDir)) {
        throw new FrontendException(
            "frontend.theme: no theme \""
                + theme
                + "\": it is neither built in ("
                + String.join(", ", BUILT_IN_THEMES)
                + ") nor a directory "
                + themeDir);
      }
      overlayAssets(root, themeDir, themeFiles);
      Path robotsFile = root.resolve("robots.txt");
      if (Files.isRegularFile(robotsFile)) {
        robots = read(root, robotsFile);
      }
    } else if (!builtInTheme) {
      throw new FrontendException(
          "frontend.theme: no theme \""
              + theme
              + "\": the built-in themes are "
              + String.join(", ", BUILT_IN_THEMES)
              + " (others come from frontend.dir/themes/<theme>/)");
    }
    return new WebFiles(theme, templates, staticFiles, themeFiles, robots);
  }

  String theme() {
    return theme;
  }

  /** Template sources by file name ({@code login.mustache}). */
  Map<String, String> templates() {
    return templates;
  }

  /** Files served under {@code /static/}, by their path below it. */
  Map<String, byte[]> staticFiles() {
    return staticFiles;
  }

  /** Files served under {@code /theme/}, by their path below the theme's directory. */
  Map<String, byte[]> themeFiles() {
    return themeFiles;
  }

  byte[] robots() {
    return robots;
  }

  private static String themeName(String configured) {
    String theme = configured.trim();
    if (theme.isEmpty() || theme.equals("coreos") || theme.equals("tectonic")) {
      return DEFAULT_THEME;
    }
    return theme;
  }

  private static void overlayTemplates(Path root, Map<String, String> templates)
      throws FrontendException {
    Path dir = root.resolve("templates");
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new FrontendException("frontend.dir: cannot list " + dir + ": " + e.getMessage(), e);
    }
    for (Path file : files) {
      String name = String.valueOf(file.getFileName());
      if (name.toLowerCase(Locale.ROOT).endsWith(".html")) {
        throw new FrontendException(
            "frontend.dir: "
                + root.relativize(file)
                + " is a Dex (Go html/template) template, which Ferry cannot render; Ferry reads"
                + " Mustache templates named templates/<page>.mustache (see docs/frontend.md)");
      }
      if (TEMPLATE_NAME.matcher(name).matches()) {
        templates.put(name, new String(read(root, file), StandardCharsets.UTF_8));
      }
    }
  }

  private static void overlayAssets(Path root, Path dir, Map<String, byte[]> files)
      throws FrontendException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> found;
    try (Stream<Path> walked = Files.walk(dir, MAX_ASSET_DEPTH)) {
      found = walked.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new FrontendException("frontend.dir: cannot list " + dir + ": " + e.getMessage(), e);
    }
    for (Path file : found) {
      String relative = dir.relativize(file).toString().replace('\\', '/');
      files.put(relative, read(root, file));
    }
  }

  private static byte[] read(Path root, Path file) throws FrontendException {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new FrontendException(
            "frontend.dir: "
                + root.relativize(file)
                + " is larger than "
                + (MAX_FILE_BYTES >> 20)
                + " MiB");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new FrontendException(
          "frontend.dir: cannot read " + root.relativize(file) + ": " + e.getMessage(), e);
    }
  }

  private static byte[] builtIn(String path) {
    try (InputStream in = WebFiles.class.getResourceAsStream("/web/" + path)) {
      if (in == null) {
        throw new IllegalStateException("built-in web file missing from the build: " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in web file " + path, e);
    }
  }

  private static boolean isThemeName(String theme) {
    return THEME_NAME.matcher(theme).matches() && !theme.equals(".") && !theme.equals("..");
  }
}

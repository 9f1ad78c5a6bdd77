package dev.ferry.recipes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The recipe files under {@code docs/recipes/}, read from the source tree the build runs in. */
final class Recipes {
  private Recipes() {}

  /** {@code docs/recipes/<relative>}; fails when the recipe is missing. */
  static Path file(String relative) {
    Path file = Path.of("docs", "recipes").resolve(relative).toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("missing recipe " + file);
    }
    return file;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Replaces every occurrence of {@code documented} (a hostname or path the recipe documents) and
   * fails when there is none, so that a recipe that drifts from what the test expects is noticed.
   */
  static String replaceDocumented(String text, String documented, String local) {
    if (!text.contains(documented)) {
      throw new IllegalStateException("the recipe no longer mentions " + documented);
    }
    return text.replace(documented, local);
  }
}

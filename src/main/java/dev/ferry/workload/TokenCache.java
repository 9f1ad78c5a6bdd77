package dev.ferry.workload;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Issued tokens on disk under {@code $XDG_CACHE_HOME/ferry} (a 0700 directory of 0600 files),
 * reused until 60 seconds before they expire. A file that is corrupt, unreadable or not owned by
 * this user is ignored and rewritten, never trusted.
 */
public final class TokenCache {
  private final Path directory;
  private final Clock clock;

  public TokenCache(Path directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  /** {@code $XDG_CACHE_HOME/ferry}, else {@code $HOME/.cache/ferry}. */
  @SuppressWarnings("DoNotCallSuggester") // skeleton, filled in by its branch
  public static Path directory(Workplace place) {
    throw new UnsupportedOperationException("not built yet " + place);
  }

  /**
   * The cache key of these inputs: a SHA-256, so no input (a secret's hash) shows in a file name.
   */
  @SuppressWarnings("DoNotCallSuggester") // skeleton, filled in by its branch
  public static String key(List<String> inputs) {
    throw new UnsupportedOperationException("not built yet " + inputs);
  }

  /** The cached token for {@code key}, when it is good for more than 60 seconds. */
  @SuppressWarnings("DoNotCallSuggester") // skeleton, filled in by its branch
  public Optional<IssuedToken> get(String key) {
    throw new UnsupportedOperationException("not built yet " + key + directory + clock);
  }

  /** Stores {@code token}; a cache that cannot be written is skipped, never an error. */
  @SuppressWarnings("DoNotCallSuggester") // skeleton, filled in by its branch
  public void put(String key, IssuedToken token) {
    throw new UnsupportedOperationException("not built yet " + key + token);
  }
}

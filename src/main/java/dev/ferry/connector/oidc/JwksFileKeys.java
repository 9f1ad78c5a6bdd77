package dev.ferry.connector.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of a {@code jwksFile}, re-read when the file changes.
 *
 * <p>Design: the file is small and local, so there is no watcher thread and no cache layer: on the
 * lookup path, at most once per {@link #CHECK_INTERVAL} of the injected clock, one thread (the one
 * that wins a {@code tryLock}) reads it and compares the bytes with those it last loaded; every
 * other thread meanwhile uses the current keys, published through a volatile field. A token that
 * names a {@code kid} the current keys lack may bring the next read forward, but never closer than
 * {@link #EARLY_RESPACING} to the previous one, so a flood of made-up {@code kid}s costs at most
 * one small read per second. A rotated key is picked up by the first token that names it.
 *
 * <p>A file that disappears, cannot be read or no longer holds a valid key set (same checks as at
 * load, {@link PinnedJwks}) leaves the last good keys in place: deleting or breaking the file must
 * neither open access nor stop a working connector. That is logged at ERROR once per distinct
 * problem, not per request; a valid change swaps the keys and logs at INFO which key ids came, went
 * or changed.
 */
final class JwksFileKeys implements PinnedKeySource {

  /** How often, at most, the file is read on the lookup path. */
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);

  /** The closest an unknown {@code kid} may bring a read after the previous one. */
  static final Duration EARLY_RESPACING = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(JwksFileKeys.class);

  private record Loaded(PinnedJwks.KeySet keys, String content) {}

  private final String connectorId;
  private final Path path;
  private final Clock clock;
  private final ReentrantLock reading = new ReentrantLock();
  private volatile Loaded loaded;
  private volatile Instant lastRead;
  // Guarded by reading: the problem last logged, so that each is logged once.
  private @Nullable String lastProblem;

  /**
   * Loads the file now.
   *
   * @throws PinnedJwks.InvalidJwks when it is missing, unreadable or not a valid key set
   */
  JwksFileKeys(String connectorId, Path path, Clock clock) throws PinnedJwks.InvalidJwks {
    this.connectorId = connectorId;
    this.path = path;
    this.clock = clock;
    String content = text(PinnedJwks.read(path));
    this.loaded = new Loaded(PinnedJwks.parse(content), content);
    this.lastRead = clock.instant();
  }

  @Override
  public Set<JWSAlgorithm> algorithms() {
    return current().keys().algorithms();
  }

  @Override
  public List<JWK> get(JWKSelector selector, @Nullable SecurityContext context) {
    List<JWK> found = selector.select(current().keys().keys());
    if (!found.isEmpty()) {
      return found;
    }
    rereadIfDue(EARLY_RESPACING);
    return selector.select(loaded.keys().keys());
  }

  /**
   * No network and no bulkhead slot, as the interface asks; it may read the small local file (at
   * most once per {@link #CHECK_INTERVAL}), on the request thread, never on the CPU workers.
   */
  @Override
  public List<JWK> cached(JWKSelector selector) {
    return selector.select(current().keys().keys());
  }

  private Loaded current() {
    rereadIfDue(CHECK_INTERVAL);
    return loaded;
  }

  private void rereadIfDue(Duration spacing) {
    if (!due(spacing) || !reading.tryLock()) {
      return;
    }
    try {
      if (due(spacing)) {
        lastRead = clock.instant();
        reread();
      }
    } finally {
      reading.unlock();
    }
  }

  private boolean due(Duration spacing) {
    Duration since = Duration.between(lastRead, clock.instant());
    // A clock set back must not postpone reading for as long as it went back.
    return since.isNegative() || since.compareTo(spacing) >= 0;
  }

  private void reread() {
    Loaded current = loaded;
    String content;
    PinnedJwks.KeySet keys;
    try {
      content = text(PinnedJwks.read(path));
      if (content.equals(current.content())) {
        recovered();
        return;
      }
      keys = PinnedJwks.parse(content);
    } catch (PinnedJwks.InvalidJwks e) {
      problem(String.valueOf(e.getMessage()));
      return;
    }
    loaded = new Loaded(keys, content);
    lastProblem = null;
    Map<String, String> before = current.keys().thumbprints();
    Map<String, String> after = keys.thumbprints();
    Set<String> added = new TreeSet<>(after.keySet());
    added.removeAll(before.keySet());
    Set<String> removed = new TreeSet<>(before.keySet());
    removed.removeAll(after.keySet());
    Set<String> replaced = new TreeSet<>();
    after.forEach((kid, thumbprint) -> {
      String old = before.get(kid);
      if (old != null && !old.equals(thumbprint)) {
        replaced.add(kid);
      }
    });
    LOG.atInfo()
        .setMessage("oidc connector jwksFile changed: verifying with its new keys")
        .addKeyValue("connector_id", connectorId)
        .addKeyValue("file", path)
        .addKeyValue("added", added)
        .addKeyValue("removed", removed)
        .addKeyValue("replaced", replaced)
        .log();
  }

  private void problem(String problem) {
    if (problem.equals(lastProblem)) {
      return;
    }
    lastProblem = problem;
    LOG.atError()
        .setMessage("oidc connector jwksFile unusable: keeping the last good keys")
        .addKeyValue("connector_id", connectorId)
        .addKeyValue("file", path)
        .addKeyValue("err", problem)
        .addKeyValue("kids", new TreeSet<>(loaded.keys().thumbprints().keySet()))
        .log();
  }

  private void recovered() {
    if (lastProblem == null) {
      return;
    }
    lastProblem = null;
    LOG.atInfo()
        .setMessage("oidc connector jwksFile usable again, unchanged: keeping its keys")
        .addKeyValue("connector_id", connectorId)
        .addKeyValue("file", path)
        .log();
  }

  private static String text(byte[] content) {
    return new String(content, StandardCharsets.UTF_8);
  }
}

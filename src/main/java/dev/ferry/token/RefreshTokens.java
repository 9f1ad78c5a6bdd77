package dev.ferry.token;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.storage.Claims;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.NotFoundException;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.OfflineSessions.RefreshTokenRef;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.UserConnectorKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of refresh token persistence, with Dex's rows so that a database shared with Dex
 * keeps working both ways (Dex: server/tokens/refresh_store.go RefreshStore, refresh_lookup.go
 * LookupRefreshToken): a {@code refresh_token} row per token, and the user's {@code
 * offline_session} row naming at most one token per client.
 *
 * <p>Log lines name a token by its row id, as Dex does; the id alone cannot be redeemed (the value
 * a client holds also carries the secret), and the secret is never logged.
 */
public final class RefreshTokens {
  private static final Logger log = LoggerFactory.getLogger(RefreshTokens.class);
  private static final byte[] NO_DATA = new byte[0];

  private final Storage storage;
  private final RefreshPolicy policy;
  private final Clock clock;
  private final IdGenerator ids;
  private final RefreshLocks locks;

  /**
   * How long a refresh waits for a concurrent refresh of the same token: longer than a connector's
   * upstream calls may take (the bulkhead's wait plus the request timeouts).
   */
  static final Duration MAX_LOCK_WAIT = Duration.ofSeconds(30);

  public RefreshTokens(Storage storage, RefreshPolicy policy, Clock clock, IdGenerator ids) {
    this.storage = storage;
    this.policy = policy;
    this.clock = clock;
    this.ids = ids;
    this.locks = new RefreshLocks(MAX_LOCK_WAIT);
  }

  /** How tokens age and rotate (introspection reports the absolute lifetime). */
  public RefreshPolicy policy() {
    return policy;
  }

  /** What the refreshed tokens are minted from: the value to return and the identity. */
  public record Rotated(String refreshToken, Identity identity) {}

  /** Supplies the identity as the connector sees it now; called at most once per rotation. */
  @FunctionalInterface
  public interface FreshIdentity {
    Identity get() throws IdentityException, RefreshTokenException;
  }

  /**
   * Issues a refresh token and records it in the user's offline session, replacing the token the
   * same client held for the same user and connector (Dex: RefreshStore.Create). When recording it
   * fails, the new row is deleted again so that no orphan is left.
   *
   * @return the value the client holds
   * @throws StorageException when a row cannot be written
   */
  public String create(
      String clientId,
      String connectorId,
      List<String> scopes,
      Claims claims,
      String nonce,
      byte[] connectorData) {
    Instant now = clock.instant();
    RefreshToken refresh =
        new RefreshToken(
            ids.newId(),
            ids.newId(),
            "",
            now,
            now,
            clientId,
            connectorId,
            connectorData,
            claims,
            scopes,
            nonce);
    String value = RefreshTokenCodec.encode(refresh.id(), refresh.token());
    storage.refreshTokens().create(refresh);
    RefreshTokenRef ref = new RefreshTokenRef(refresh.id(), clientId, now, now);
    UserConnectorKey key = new UserConnectorKey(claims.userId(), connectorId);
    try {
      Optional<OfflineSessions> session = storage.offlineSessions().get(key);
      if (session.isEmpty()) {
        storage
            .offlineSessions()
            .create(
                new OfflineSessions(
                    claims.userId(), connectorId, Map.of(clientId, ref), connectorData));
      } else {
        RefreshTokenRef previous = session.get().refresh().get(clientId);
        if (previous != null) {
          deleteIfPresent(previous.id());
        }
        storage
            .offlineSessions()
            .update(
                key,
                old ->
                    new OfflineSessions(
                        old.userId(),
                        old.connId(),
                        with(old.refresh(), clientId, ref),
                        connectorData.length > 0 ? connectorData : old.connectorData()));
      }
    } catch (StorageException e) {
      rollBack(refresh.id());
      throw e;
    }
    return value;
  }

  /**
   * Finds the token a client presented and checks it, in Dex's order (Dex: LookupRefreshToken): it
   * exists; it was issued to {@code clientId}; its secret is the current one, or the previous one
   * while the reuse window since the last use is open; it is not past {@code absoluteLifetime}, nor
   * unused for longer than {@code validIfNotUsedFor}.
   *
   * <p>A replayed previous secret outside the reuse window is refused and nothing else happens: Dex
   * does not revoke the token (the holder of the current secret keeps it), so neither does Ferry.
   *
   * @param clientId the authenticated client, or null when no client is checked (introspection)
   * @throws StorageException when storage cannot be read
   */
  public RefreshToken lookup(@Nullable String clientId, RefreshTokenCodec.Value presented)
      throws RefreshTokenException {
    RefreshToken refresh =
        storage
            .refreshTokens()
            .get(presented.refreshId())
            .orElseThrow(() ->
                new RefreshTokenException(
                    RefreshTokenException.Reason.INVALID, "refresh token not found"));
    if (clientId != null && !refresh.clientId().equals(clientId)) {
      log.atError()
          .setMessage("trying to claim token for different client")
          .addKeyValue("client_id", clientId)
          .addKeyValue("refresh_client_id", refresh.clientId())
          .log();
      throw new RefreshTokenException(
          RefreshTokenException.Reason.CLAIMED_BY_OTHER_CLIENT, "refresh token of another client");
    }
    Instant now = clock.instant();
    if (!same(refresh.token(), presented.token())
        && (!policy.allowedToReuse(refresh.lastUsed(), now)
            || !same(refresh.obsoleteToken(), presented.token())
            || refresh.obsoleteToken().isEmpty())) {
      log.atError()
          .setMessage("refresh token claimed twice")
          .addKeyValue("token_id", refresh.id())
          .log();
      throw new RefreshTokenException(
          RefreshTokenException.Reason.INVALID, "refresh token claimed twice");
    }
    if (policy.completelyExpired(refresh.createdAt(), now)) {
      log.atError().setMessage("refresh token expired").addKeyValue("token_id", refresh.id()).log();
      throw new RefreshTokenException(
          RefreshTokenException.Reason.EXPIRED, "refresh token expired");
    }
    if (policy.expiredBecauseUnused(refresh.lastUsed(), now)) {
      log.atError()
          .setMessage("refresh token expired due to inactivity")
          .addKeyValue("token_id", refresh.id())
          .log();
      throw new RefreshTokenException(
          RefreshTokenException.Reason.EXPIRED, "refresh token expired due to inactivity");
    }
    return refresh;
  }

  /**
   * Advances a looked-up token as the policy says and records the use in the offline session (Dex:
   * RefreshStore.Rotate):
   *
   * <ul>
   *   <li>rotation on, inside the reuse window: nothing is minted; the current secret is returned,
   *       also to a client presenting the previous one, and the last use is not moved;
   *   <li>rotation on, outside it: the presented secret must be the current one; it becomes the
   *       previous one and a new secret is minted;
   *   <li>rotation off: the same secret is returned; outside the reuse window the use is recorded.
   * </ul>
   *
   * Whenever the row advances, the identity is refreshed through {@code fresh} and the stored
   * claims follow it (all but the user id); otherwise the stored claims are used. The connector
   * data moves from the row to the offline session, as Dex moves it.
   *
   * <p>Concurrent rotations of the same token in this replica are serialized ({@link
   * RefreshLocks}): the loser sees the winner's row and never reaches the connector.
   *
   * @throws RefreshTokenException with {@link RefreshTokenException.Reason#NOT_ROTATED} when a
   *     concurrent use won (or did not finish within {@link #MAX_LOCK_WAIT}), the identity could
   *     not be refreshed, or the offline session does not name the token
   * @throws StorageException when storage fails
   */
  public Rotated rotate(RefreshToken stored, RefreshTokenCodec.Value presented, FreshIdentity fresh)
      throws RefreshTokenException {
    // Concurrent refreshes of one token run one after the other here, so that only the winner asks
    // the connector (an upstream that detects refresh token reuse would revoke the family); the
    // loser then sees the row the winner wrote and gets Dex's answer without any upstream call.
    // Across replicas the window remains, as in Dex on PostgreSQL.
    try (RefreshLocks.Held held = locks.acquire(stored.id())) {
      return rotateLocked(stored, presented, fresh);
    }
  }

  private Rotated rotateLocked(
      RefreshToken stored, RefreshTokenCodec.Value presented, FreshIdentity fresh)
      throws RefreshTokenException {
    Instant now = clock.instant();
    // The identity is fetched before the transaction, never inside it: the connector may wait on
    // its upstream, and a transaction held open meanwhile would stall every other write (SQLite has
    // one connection; its reads of the offline session would even wait on the transaction itself).
    // Dex fetches it inside. Under the lock, a dry run of the updater on the row as it is now tells
    // whether the identity is needed, so a refresh that lost a race never reaches the connector.
    String minted = ids.newId();
    Memo identity = new Memo(fresh);
    Identity storedIdentity = identityOf(stored.claims());
    RefreshToken current =
        storage
            .refreshTokens()
            .get(stored.id())
            .orElseThrow(() ->
                new RefreshTokenException(
                    RefreshTokenException.Reason.NOT_ROTATED, "refresh token deleted meanwhile"));
    try {
      advance(current, presented.token(), minted, now, storedIdentity, identity);
    } catch (Failed e) {
      throw e.cause;
    } catch (NeedsIdentity e) {
      identity.load();
    }
    Outcome[] outcome = new Outcome[1];
    for (int attempt = 0; outcome[0] == null; attempt++) {
      try {
        storage
            .refreshTokens()
            .update(
                stored.id(),
                old -> {
                  Outcome result =
                      advance(old, presented.token(), minted, now, storedIdentity, identity);
                  outcome[0] = result;
                  return result.row();
                });
      } catch (Failed e) {
        throw e.cause;
      } catch (NeedsIdentity e) {
        // Another replica moved the row since the dry run; fetch the identity outside the
        // transaction, once.
        if (attempt > 0) {
          throw new IllegalStateException("refresh token updater asked twice for the identity", e);
        }
        identity.load();
      }
    }
    Outcome done = outcome[0];
    recordUse(stored, done.identity(), done.lastUsed());
    return new Rotated(
        RefreshTokenCodec.encode(presented.refreshId(), done.token()), done.identity());
  }

  /** One run of the rotation updater: the row to store and what the grant goes on with. */
  private record Outcome(RefreshToken row, String token, Instant lastUsed, Identity identity) {}

  private Outcome advance(
      RefreshToken old,
      String presented,
      String minted,
      Instant now,
      Identity storedIdentity,
      Memo identity) {
    boolean reuse = policy.allowedToReuse(old.lastUsed(), now);
    if (reuse) {
      String token = presented;
      Instant lastUsed = now;
      if (policy.rotate()) {
        if (!old.token().equals(presented) && !old.obsoleteToken().equals(presented)) {
          throw fail("refresh token claimed twice");
        }
        if (old.obsoleteToken().equals(presented)) {
          token = old.token();
        }
        // The last use does not move while the token may still be reused.
        lastUsed = old.lastUsed();
      }
      return new Outcome(withoutData(old), token, lastUsed, storedIdentity);
    }
    String token = presented;
    String obsolete = old.obsoleteToken();
    if (policy.rotate()) {
      if (!old.token().equals(presented)) {
        throw fail("refresh token claimed twice");
      }
      obsolete = old.token();
      token = minted;
    }
    Identity fresh = identity.loaded();
    Claims claims =
        new Claims(
            old.claims().userId(),
            fresh.username(),
            fresh.preferredUsername(),
            fresh.email(),
            fresh.emailVerified(),
            fresh.groups());
    RefreshToken row =
        new RefreshToken(
            old.id(),
            token,
            obsolete,
            old.createdAt(),
            now,
            old.clientId(),
            old.connectorId(),
            NO_DATA,
            claims,
            old.scopes(),
            old.nonce());
    return new Outcome(row, token, now, fresh);
  }

  /** Dex: RefreshStore.updateOfflineSession. */
  private void recordUse(RefreshToken stored, Identity identity, Instant lastUsed)
      throws RefreshTokenException {
    try {
      storage
          .offlineSessions()
          .update(
              new UserConnectorKey(stored.claims().userId(), stored.connectorId()),
              old -> {
                RefreshTokenRef ref = old.refresh().get(stored.clientId());
                // Dex dereferences the client's entry unchecked (a missing one panics there); both
                // a missing and a replaced entry refuse the refresh here.
                if (ref == null || !ref.id().equals(stored.id())) {
                  throw fail("refresh token invalid");
                }
                RefreshTokenRef used =
                    new RefreshTokenRef(ref.id(), ref.clientId(), ref.createdAt(), lastUsed);
                return new OfflineSessions(
                    old.userId(),
                    old.connId(),
                    with(old.refresh(), stored.clientId(), used),
                    identity.connectorData().length > 0
                        ? identity.connectorData()
                        : old.connectorData());
              });
    } catch (Failed e) {
      throw e.cause;
    }
  }

  private static RefreshToken withoutData(RefreshToken old) {
    return new RefreshToken(
        old.id(),
        old.token(),
        old.obsoleteToken(),
        old.createdAt(),
        old.lastUsed(),
        old.clientId(),
        old.connectorId(),
        NO_DATA,
        old.claims(),
        old.scopes(),
        old.nonce());
  }

  /** Dex: tokens.IdentityFromClaims, without connector data. */
  public static Identity identityOf(Claims claims) {
    return new Identity(
        claims.userId(),
        claims.username(),
        claims.preferredUsername(),
        claims.email(),
        claims.emailVerified(),
        claims.groups(),
        NO_DATA);
  }

  /** Dex: tokens.ClaimsFromIdentity. */
  public static Claims claimsOf(Identity identity) {
    return new Claims(
        identity.userId(),
        identity.username(),
        identity.preferredUsername(),
        identity.email(),
        identity.emailVerified(),
        identity.groups());
  }

  private void deleteIfPresent(String id) {
    try {
      storage.refreshTokens().delete(id);
    } catch (NotFoundException e) {
      // already gone: nothing to replace
    }
  }

  private void rollBack(String id) {
    try {
      deleteIfPresent(id);
    } catch (StorageException e) {
      log.atError()
          .setMessage("failed to roll back refresh token")
          .addKeyValue("err", e.getMessage())
          .log();
    }
  }

  private static Map<String, RefreshTokenRef> with(
      Map<String, RefreshTokenRef> refs, String clientId, RefreshTokenRef ref) {
    Map<String, RefreshTokenRef> out = new LinkedHashMap<>(refs);
    out.put(clientId, ref);
    return out;
  }

  /** Constant-time, as Dex compares the secrets (introspection reaches this unauthenticated). */
  private static boolean same(String stored, String presented) {
    return MessageDigest.isEqual(
        stored.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  private static Failed fail(String message) {
    return new Failed(new RefreshTokenException(RefreshTokenException.Reason.NOT_ROTATED, message));
  }

  /** Carries a refusal out of a storage updater, which may only throw unchecked. */
  private static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized: caught in this class
    private final RefreshTokenException cause;

    Failed(RefreshTokenException cause) {
      super(cause.getMessage(), null, false, false);
      this.cause = cause;
    }
  }

  /** The updater needs the fresh identity, which was not fetched before the transaction. */
  private static final class NeedsIdentity extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeedsIdentity() {
      super("identity not fetched", null, false, false);
    }
  }

  /** The fresh identity, asked for at most once. */
  private static final class Memo {
    private final FreshIdentity source;
    private @Nullable Identity identity;

    Memo(FreshIdentity source) {
      this.source = source;
    }

    void load() throws RefreshTokenException {
      if (identity != null) {
        return;
      }
      try {
        identity = source.get();
      } catch (IdentityException e) {
        throw new RefreshTokenException(
            RefreshTokenException.Reason.CONNECTOR_REFUSED, "failed to refresh identity", e);
      }
    }

    /** The identity fetched by {@link #load}; inside an updater, which may not fetch it. */
    Identity loaded() {
      Identity loaded = identity;
      if (loaded == null) {
        throw new NeedsIdentity();
      }
      return loaded;
    }
  }
}

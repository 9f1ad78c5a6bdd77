package dev.ferry.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * Every object Ferry persists, with Dex's semantics (Dex: storage.Storage). Each entity is reached
 * through its {@link Repository}, whose javadoc states the semantics; the conformance suite ({@code
 * StorageConformanceTest} in the tests) is their definition and every backend passes it.
 *
 * <p>A backend implements {@link #repository} once, generically, from each entity's {@link Entity}
 * description, and {@link #garbageCollect} once, generically, over every entity whose description
 * {@link Entity#expires()}. Code reaches any entity as {@code storage.repository(X.ENTITY)}; the
 * accessors below ({@link #clients()}, ...) are a convenience for the entities used in many places,
 * not a requirement, and a new entity need not add one. Adding an entity therefore touches its
 * record (with its {@code ENTITY} description, including its expiry if it expires), its table
 * description in {@code storage.sql.Tables} and its entry in the conformance suite; the memory
 * backend, the decorators ({@link ForwardingStorage}, {@link StaticStorage}), the SQL statements,
 * garbage collection and {@link GarbageCollection} need no change. Only the signing-key singleton
 * keeps its own shape.
 */
public interface Storage extends AutoCloseable {

  /**
   * The repository of one entity; backends implement this once for every entity. This is the way to
   * reach an entity: the accessors below only name it for convenience.
   */
  <K, V> Repository<K, V> repository(Entity<K, V> entity);

  default Repository<String, AuthRequest> authRequests() {
    return repository(AuthRequest.ENTITY);
  }

  default Repository<String, AuthCode> authCodes() {
    return repository(AuthCode.ENTITY);
  }

  default Repository<String, Client> clients() {
    return repository(Client.ENTITY);
  }

  default Repository<String, RefreshToken> refreshTokens() {
    return repository(RefreshToken.ENTITY);
  }

  /** Passwords, keyed by email compared case-insensitively (Dex lower-cases the key). */
  default Repository<String, Password> passwords() {
    return repository(Password.ENTITY);
  }

  default Repository<UserConnectorKey, OfflineSessions> offlineSessions() {
    return repository(OfflineSessions.ENTITY);
  }

  default Repository<String, Connector> connectors() {
    return repository(Connector.ENTITY);
  }

  /** Device requests, keyed by user code. */
  default Repository<String, DeviceRequest> deviceRequests() {
    return repository(DeviceRequest.ENTITY);
  }

  /** Device tokens, keyed by device code. */
  default Repository<String, DeviceToken> deviceTokens() {
    return repository(DeviceToken.ENTITY);
  }

  default Repository<UserConnectorKey, UserIdentity> userIdentities() {
    return repository(UserIdentity.ENTITY);
  }

  default Repository<String, AuthSession> authSessions() {
    return repository(AuthSession.ENTITY);
  }

  Optional<Keys> getKeys();

  /**
   * Compare-and-swap on the key singleton. The updater receives the stored keys, or empty when none
   * were ever stored, and returns the keys to store. Throwing from the updater aborts (this is how
   * a replica backs off when another one rotated first).
   */
  void updateKeys(KeysUpdater updater);

  /**
   * Deletes, for every entity with an expiry ({@link Entity#expiresAt}), the values one of whose
   * expiries is strictly before {@code now}: today auth requests, auth codes, device requests and
   * device tokens past their expiry, and auth sessions past their absolute or idle expiry (Dex:
   * storage/sql/crud.go GarbageCollect).
   */
  GarbageCollection garbageCollect(Instant now);

  /** Releases connections and files. */
  @Override
  void close();

  /** The updater of {@link #updateKeys}. */
  @FunctionalInterface
  interface KeysUpdater {
    Keys update(Optional<Keys> current);
  }
}

package dev.ferry.storage;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Every object Ferry persists, with Dex's semantics (Dex: storage.Storage). The conformance suite
 * ({@code StorageConformanceTest} in the tests) is the definition of these semantics; every backend
 * passes it.
 *
 * <ul>
 *   <li>{@code create*} throws {@link AlreadyExistsException} when the key is taken.
 *   <li>{@code get*} returns empty when the key is unknown.
 *   <li>{@code update*} is an atomic compare-and-swap: the updater receives the current value and
 *       returns the new one; it may be called more than once (a backend retries after a conflict)
 *       so it must be free of side effects. An exception thrown by the updater aborts the update
 *       and propagates unchanged. Unknown keys throw {@link NotFoundException}. An updater that
 *       returns an object with a different key is refused with a {@link StorageException} and
 *       nothing is written.
 *   <li>{@code delete*} throws {@link NotFoundException} for unknown keys.
 *   <li>Any other failure is a {@link StorageException}.
 * </ul>
 */
public interface Storage extends AutoCloseable {

  void createAuthRequest(AuthRequest request);

  Optional<AuthRequest> getAuthRequest(String id);

  void updateAuthRequest(String id, UnaryOperator<AuthRequest> updater);

  void deleteAuthRequest(String id);

  void createAuthCode(AuthCode code);

  Optional<AuthCode> getAuthCode(String id);

  void deleteAuthCode(String id);

  void createClient(Client client);

  Optional<Client> getClient(String id);

  List<Client> listClients();

  void updateClient(String id, UnaryOperator<Client> updater);

  void deleteClient(String id);

  void createRefresh(RefreshToken token);

  Optional<RefreshToken> getRefresh(String id);

  List<RefreshToken> listRefreshTokens();

  void updateRefreshToken(String id, UnaryOperator<RefreshToken> updater);

  void deleteRefresh(String id);

  void createPassword(Password password);

  /** Looks up a password by email, case-insensitively (Dex lower-cases the key). */
  Optional<Password> getPassword(String email);

  List<Password> listPasswords();

  void updatePassword(String email, UnaryOperator<Password> updater);

  void deletePassword(String email);

  void createOfflineSessions(OfflineSessions sessions);

  Optional<OfflineSessions> getOfflineSessions(String userId, String connId);

  void updateOfflineSessions(String userId, String connId, UnaryOperator<OfflineSessions> updater);

  void deleteOfflineSessions(String userId, String connId);

  void createConnector(Connector connector);

  Optional<Connector> getConnector(String id);

  List<Connector> listConnectors();

  void updateConnector(String id, UnaryOperator<Connector> updater);

  void deleteConnector(String id);

  Optional<Keys> getKeys();

  /**
   * Compare-and-swap on the key singleton. The updater receives the stored keys, or empty when none
   * were ever stored, and returns the keys to store. Throwing from the updater aborts (this is how
   * a replica backs off when another one rotated first).
   */
  void updateKeys(KeysUpdater updater);

  void createDeviceRequest(DeviceRequest request);

  Optional<DeviceRequest> getDeviceRequest(String userCode);

  void createDeviceToken(DeviceToken token);

  Optional<DeviceToken> getDeviceToken(String deviceCode);

  void updateDeviceToken(String deviceCode, UnaryOperator<DeviceToken> updater);

  void createUserIdentity(UserIdentity identity);

  Optional<UserIdentity> getUserIdentity(String userId, String connectorId);

  List<UserIdentity> listUserIdentities();

  void updateUserIdentity(String userId, String connectorId, UnaryOperator<UserIdentity> updater);

  void deleteUserIdentity(String userId, String connectorId);

  void createAuthSession(AuthSession session);

  Optional<AuthSession> getAuthSession(String id);

  List<AuthSession> listAuthSessions();

  void updateAuthSession(String id, UnaryOperator<AuthSession> updater);

  void deleteAuthSession(String id);

  /**
   * Deletes auth requests, auth codes, device requests and device tokens whose expiry is before
   * {@code now}, and auth sessions past their absolute or idle expiry (Dex §6.3).
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

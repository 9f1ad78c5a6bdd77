package dev.ferry.storage.memory;

import dev.ferry.storage.AlreadyExistsException;
import dev.ferry.storage.AuthCode;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.AuthSession;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.storage.DeviceRequest;
import dev.ferry.storage.DeviceToken;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.Keys;
import dev.ferry.storage.NotFoundException;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Password;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.UserIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An in-process {@link Storage} (Dex: storage/memory).
 *
 * <p>Design note: one lock guards every map, exactly as Dex's memory storage holds one mutex for
 * every call. An update runs the updater while holding the lock, so a compare-and-swap can never
 * lose a write and the updater runs exactly once here (the interface still allows more). Records
 * are immutable apart from their {@code byte[]} fields, which callers must treat as read-only.
 * Lists are returned sorted by key so that callers and tests see a stable order. The class is long
 * only because the interface is wide; each method is one call to a generic helper.
 */
public final class MemoryStorage implements Storage {

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, AuthRequest> authRequests = new HashMap<>();
  private final Map<String, AuthCode> authCodes = new HashMap<>();
  private final Map<String, Client> clients = new HashMap<>();
  private final Map<String, RefreshToken> refreshTokens = new HashMap<>();
  private final Map<String, Password> passwords = new HashMap<>();
  private final Map<PairKey, OfflineSessions> offlineSessions = new HashMap<>();
  private final Map<String, Connector> connectors = new HashMap<>();
  private final Map<String, DeviceRequest> deviceRequests = new HashMap<>();
  private final Map<String, DeviceToken> deviceTokens = new HashMap<>();
  private final Map<PairKey, UserIdentity> userIdentities = new HashMap<>();
  private final Map<String, AuthSession> authSessions = new HashMap<>();
  private @Nullable Keys keys;
  private boolean closed;

  public MemoryStorage() {}

  /** The key of objects identified by a user and a connector. */
  private record PairKey(String userId, String connectorId) {}

  // ---- auth requests

  @Override
  public void createAuthRequest(AuthRequest request) {
    create(authRequests, request.id(), request, "auth request");
  }

  @Override
  public Optional<AuthRequest> getAuthRequest(String id) {
    return get(authRequests, id);
  }

  @Override
  public void updateAuthRequest(String id, UnaryOperator<AuthRequest> updater) {
    update(authRequests, id, updater, AuthRequest::id, "auth request");
  }

  @Override
  public void deleteAuthRequest(String id) {
    delete(authRequests, id, "auth request");
  }

  // ---- auth codes

  @Override
  public void createAuthCode(AuthCode code) {
    create(authCodes, code.id(), code, "auth code");
  }

  @Override
  public Optional<AuthCode> getAuthCode(String id) {
    return get(authCodes, id);
  }

  @Override
  public void deleteAuthCode(String id) {
    delete(authCodes, id, "auth code");
  }

  // ---- clients

  @Override
  public void createClient(Client client) {
    create(clients, client.id(), client, "client");
  }

  @Override
  public Optional<Client> getClient(String id) {
    return get(clients, id);
  }

  @Override
  public List<Client> listClients() {
    return list(clients, Client::id);
  }

  @Override
  public void updateClient(String id, UnaryOperator<Client> updater) {
    update(clients, id, updater, Client::id, "client");
  }

  @Override
  public void deleteClient(String id) {
    delete(clients, id, "client");
  }

  // ---- refresh tokens

  @Override
  public void createRefresh(RefreshToken token) {
    create(refreshTokens, token.id(), token, "refresh token");
  }

  @Override
  public Optional<RefreshToken> getRefresh(String id) {
    return get(refreshTokens, id);
  }

  @Override
  public List<RefreshToken> listRefreshTokens() {
    return list(refreshTokens, RefreshToken::id);
  }

  @Override
  public void updateRefreshToken(String id, UnaryOperator<RefreshToken> updater) {
    update(refreshTokens, id, updater, RefreshToken::id, "refresh token");
  }

  @Override
  public void deleteRefresh(String id) {
    delete(refreshTokens, id, "refresh token");
  }

  // ---- passwords: keyed and stored by lower-cased email (Dex: emails are case-insensitive)

  @Override
  public void createPassword(Password password) {
    Password normalized = password.withLowerCaseEmail();
    create(passwords, normalized.email(), normalized, "password");
  }

  @Override
  public Optional<Password> getPassword(String email) {
    return get(passwords, lower(email));
  }

  @Override
  public List<Password> listPasswords() {
    return list(passwords, Password::email);
  }

  @Override
  public void updatePassword(String email, UnaryOperator<Password> updater) {
    update(
        passwords,
        lower(email),
        current -> updater.apply(current).withLowerCaseEmail(),
        Password::email,
        "password");
  }

  @Override
  public void deletePassword(String email) {
    delete(passwords, lower(email), "password");
  }

  // ---- offline sessions

  @Override
  public void createOfflineSessions(OfflineSessions sessions) {
    create(
        offlineSessions,
        new PairKey(sessions.userId(), sessions.connId()),
        sessions,
        "offline session");
  }

  @Override
  public Optional<OfflineSessions> getOfflineSessions(String userId, String connId) {
    return get(offlineSessions, new PairKey(userId, connId));
  }

  @Override
  public void updateOfflineSessions(
      String userId, String connId, UnaryOperator<OfflineSessions> updater) {
    update(
        offlineSessions,
        new PairKey(userId, connId),
        updater,
        s -> new PairKey(s.userId(), s.connId()),
        "offline session");
  }

  @Override
  public void deleteOfflineSessions(String userId, String connId) {
    delete(offlineSessions, new PairKey(userId, connId), "offline session");
  }

  // ---- connectors

  @Override
  public void createConnector(Connector connector) {
    create(connectors, connector.id(), connector, "connector");
  }

  @Override
  public Optional<Connector> getConnector(String id) {
    return get(connectors, id);
  }

  @Override
  public List<Connector> listConnectors() {
    return list(connectors, Connector::id);
  }

  @Override
  public void updateConnector(String id, UnaryOperator<Connector> updater) {
    update(connectors, id, updater, Connector::id, "connector");
  }

  @Override
  public void deleteConnector(String id) {
    delete(connectors, id, "connector");
  }

  // ---- keys singleton

  @Override
  public Optional<Keys> getKeys() {
    lock.lock();
    try {
      checkOpen();
      return Optional.ofNullable(keys);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void updateKeys(KeysUpdater updater) {
    lock.lock();
    try {
      checkOpen();
      Keys next = updater.update(Optional.ofNullable(keys));
      keys = requireResult(next, "keys");
    } finally {
      lock.unlock();
    }
  }

  // ---- device flow

  @Override
  public void createDeviceRequest(DeviceRequest request) {
    create(deviceRequests, request.userCode(), request, "device request");
  }

  @Override
  public Optional<DeviceRequest> getDeviceRequest(String userCode) {
    return get(deviceRequests, userCode);
  }

  @Override
  public void createDeviceToken(DeviceToken token) {
    create(deviceTokens, token.deviceCode(), token, "device token");
  }

  @Override
  public Optional<DeviceToken> getDeviceToken(String deviceCode) {
    return get(deviceTokens, deviceCode);
  }

  @Override
  public void updateDeviceToken(String deviceCode, UnaryOperator<DeviceToken> updater) {
    update(deviceTokens, deviceCode, updater, DeviceToken::deviceCode, "device token");
  }

  // ---- user identities

  @Override
  public void createUserIdentity(UserIdentity identity) {
    create(
        userIdentities,
        new PairKey(identity.userId(), identity.connectorId()),
        identity,
        "user identity");
  }

  @Override
  public Optional<UserIdentity> getUserIdentity(String userId, String connectorId) {
    return get(userIdentities, new PairKey(userId, connectorId));
  }

  @Override
  public List<UserIdentity> listUserIdentities() {
    lock.lock();
    try {
      checkOpen();
      List<UserIdentity> out = new ArrayList<>(userIdentities.values());
      out.sort(Comparator.comparing(UserIdentity::userId).thenComparing(UserIdentity::connectorId));
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void updateUserIdentity(
      String userId, String connectorId, UnaryOperator<UserIdentity> updater) {
    update(
        userIdentities,
        new PairKey(userId, connectorId),
        updater,
        u -> new PairKey(u.userId(), u.connectorId()),
        "user identity");
  }

  @Override
  public void deleteUserIdentity(String userId, String connectorId) {
    delete(userIdentities, new PairKey(userId, connectorId), "user identity");
  }

  // ---- auth sessions

  @Override
  public void createAuthSession(AuthSession session) {
    create(authSessions, session.id(), session, "auth session");
  }

  @Override
  public Optional<AuthSession> getAuthSession(String id) {
    return get(authSessions, id);
  }

  @Override
  public List<AuthSession> listAuthSessions() {
    return list(authSessions, AuthSession::id);
  }

  @Override
  public void updateAuthSession(String id, UnaryOperator<AuthSession> updater) {
    update(authSessions, id, updater, AuthSession::id, "auth session");
  }

  @Override
  public void deleteAuthSession(String id) {
    delete(authSessions, id, "auth session");
  }

  // ---- garbage collection (Dex §6.3: strictly-before-now is expired)

  @Override
  public GarbageCollection garbageCollect(Instant now) {
    lock.lock();
    try {
      checkOpen();
      return new GarbageCollection(
          removeIf(authRequests, r -> r.expiry().isBefore(now)),
          removeIf(authCodes, c -> c.expiry().isBefore(now)),
          removeIf(deviceRequests, r -> r.expiry().isBefore(now)),
          removeIf(deviceTokens, t -> t.expiry().isBefore(now)),
          removeIf(
              authSessions, s -> s.absoluteExpiry().isBefore(now) || s.idleExpiry().isBefore(now)));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  // ---- generic helpers, all called without the lock held

  private <K, V> void create(Map<K, V> map, K key, V value, String kind) {
    lock.lock();
    try {
      checkOpen();
      if (map.containsKey(key)) {
        throw new AlreadyExistsException(kind + " " + key);
      }
      map.put(key, value);
    } finally {
      lock.unlock();
    }
  }

  private <K, V> Optional<V> get(Map<K, V> map, K key) {
    lock.lock();
    try {
      checkOpen();
      return Optional.ofNullable(map.get(key));
    } finally {
      lock.unlock();
    }
  }

  private <V> List<V> list(Map<String, V> map, Function<V, String> keyOf) {
    lock.lock();
    try {
      checkOpen();
      List<V> out = new ArrayList<>(map.values());
      out.sort(Comparator.comparing(keyOf));
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  private <K, V> void update(
      Map<K, V> map, K key, UnaryOperator<V> updater, Function<V, K> keyOf, String kind) {
    lock.lock();
    try {
      checkOpen();
      V current = map.get(key);
      if (current == null) {
        throw new NotFoundException(kind + " " + key);
      }
      V next = requireResult(updater.apply(current), kind);
      // An updater that renames its object would silently fork it; Dex's SQL backend ignores the
      // new key, so reject it instead of guessing which key the caller meant.
      if (!keyOf.apply(next).equals(key)) {
        throw new StorageException("updater changed the key of " + kind + " " + key);
      }
      map.put(key, next);
    } finally {
      lock.unlock();
    }
  }

  private <K, V> void delete(Map<K, V> map, K key, String kind) {
    lock.lock();
    try {
      checkOpen();
      if (map.remove(key) == null) {
        throw new NotFoundException(kind + " " + key);
      }
    } finally {
      lock.unlock();
    }
  }

  private static <V> long removeIf(Map<?, V> map, Predicate<V> expired) {
    long before = map.size();
    map.values().removeIf(expired);
    return before - map.size();
  }

  private static <V> V requireResult(@Nullable V value, String kind) {
    if (value == null) {
      throw new StorageException("updater returned null for " + kind);
    }
    return value;
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException("memory storage is closed");
    }
  }

  private static String lower(String email) {
    return email.toLowerCase(Locale.ROOT);
  }
}

package dev.ferry.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Serves the clients, passwords and connectors of the config file over a storage (Dex:
 * storage/static.go, WithStaticClients / WithStaticPasswords / WithStaticConnectors).
 *
 * <p>A static object shadows a stored one with the same key: reads return the static one and lists
 * carry it once, in place of the stored one. Static objects are read-only: creating, updating or
 * deleting one throws a {@link StorageException} saying so, as Dex does. Everything else passes
 * straight through to the wrapped storage. Password emails are matched case-insensitively.
 */
public final class StaticStorage implements Storage {

  private final Storage base;
  private final Map<String, Client> clients;
  private final Map<String, Password> passwords;
  private final Map<String, Connector> connectors;

  public StaticStorage(
      Storage base, List<Client> clients, List<Password> passwords, List<Connector> connectors) {
    this.base = base;
    this.clients = index(clients, Client::id, "client id");
    this.passwords =
        index(
            passwords.stream().map(Password::withLowerCaseEmail).toList(),
            Password::email,
            "password email");
    this.connectors = index(connectors, Connector::id, "connector id");
  }

  private static <T> Map<String, T> index(List<T> values, Function<T, String> key, String what) {
    Map<String, T> out = new LinkedHashMap<>();
    for (T v : values) {
      if (out.putIfAbsent(key.apply(v), v) != null) {
        throw new IllegalArgumentException(
            "duplicate static " + what + " \"" + key.apply(v) + "\"");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static StorageException readOnly(String kind, String action, String key) {
    return new StorageException(
        "static "
            + kind
            + "s: read-only, cannot "
            + action
            + " static "
            + kind
            + " \""
            + key
            + "\"");
  }

  /** Stored objects without those a static one shadows, then the static ones. */
  private static <T> List<T> merge(
      List<T> stored, Map<String, T> statics, Function<T, String> key) {
    List<T> out = new ArrayList<>(stored.size() + statics.size());
    for (T v : stored) {
      if (!statics.containsKey(key.apply(v))) {
        out.add(v);
      }
    }
    out.addAll(statics.values());
    return List.copyOf(out);
  }

  private static String lower(String email) {
    return email.toLowerCase(Locale.ROOT);
  }

  // ---- clients

  @Override
  public void createClient(Client client) {
    if (clients.containsKey(client.id())) {
      throw readOnly("client", "create", client.id());
    }
    base.createClient(client);
  }

  @Override
  public Optional<Client> getClient(String id) {
    Client c = clients.get(id);
    return c != null ? Optional.of(c) : base.getClient(id);
  }

  @Override
  public List<Client> listClients() {
    return merge(base.listClients(), clients, Client::id);
  }

  @Override
  public void updateClient(String id, UnaryOperator<Client> updater) {
    if (clients.containsKey(id)) {
      throw readOnly("client", "update", id);
    }
    base.updateClient(id, updater);
  }

  @Override
  public void deleteClient(String id) {
    if (clients.containsKey(id)) {
      throw readOnly("client", "delete", id);
    }
    base.deleteClient(id);
  }

  // ---- passwords

  @Override
  public void createPassword(Password password) {
    if (passwords.containsKey(lower(password.email()))) {
      throw readOnly("password", "create", lower(password.email()));
    }
    base.createPassword(password);
  }

  @Override
  public Optional<Password> getPassword(String email) {
    Password p = passwords.get(lower(email));
    return p != null ? Optional.of(p) : base.getPassword(email);
  }

  @Override
  public List<Password> listPasswords() {
    return merge(base.listPasswords(), passwords, p -> lower(p.email()));
  }

  @Override
  public void updatePassword(String email, UnaryOperator<Password> updater) {
    if (passwords.containsKey(lower(email))) {
      throw readOnly("password", "update", lower(email));
    }
    base.updatePassword(email, updater);
  }

  @Override
  public void deletePassword(String email) {
    if (passwords.containsKey(lower(email))) {
      throw readOnly("password", "delete", lower(email));
    }
    base.deletePassword(email);
  }

  // ---- connectors

  @Override
  public void createConnector(Connector connector) {
    if (connectors.containsKey(connector.id())) {
      throw readOnly("connector", "create", connector.id());
    }
    base.createConnector(connector);
  }

  @Override
  public Optional<Connector> getConnector(String id) {
    Connector c = connectors.get(id);
    return c != null ? Optional.of(c) : base.getConnector(id);
  }

  @Override
  public List<Connector> listConnectors() {
    return merge(base.listConnectors(), connectors, Connector::id);
  }

  @Override
  public void updateConnector(String id, UnaryOperator<Connector> updater) {
    if (connectors.containsKey(id)) {
      throw readOnly("connector", "update", id);
    }
    base.updateConnector(id, updater);
  }

  @Override
  public void deleteConnector(String id) {
    if (connectors.containsKey(id)) {
      throw readOnly("connector", "delete", id);
    }
    base.deleteConnector(id);
  }

  // ---- everything else passes through

  @Override
  public void createAuthRequest(AuthRequest request) {
    base.createAuthRequest(request);
  }

  @Override
  public Optional<AuthRequest> getAuthRequest(String id) {
    return base.getAuthRequest(id);
  }

  @Override
  public void updateAuthRequest(String id, UnaryOperator<AuthRequest> updater) {
    base.updateAuthRequest(id, updater);
  }

  @Override
  public void deleteAuthRequest(String id) {
    base.deleteAuthRequest(id);
  }

  @Override
  public void createAuthCode(AuthCode code) {
    base.createAuthCode(code);
  }

  @Override
  public Optional<AuthCode> getAuthCode(String id) {
    return base.getAuthCode(id);
  }

  @Override
  public void deleteAuthCode(String id) {
    base.deleteAuthCode(id);
  }

  @Override
  public void createRefresh(RefreshToken token) {
    base.createRefresh(token);
  }

  @Override
  public Optional<RefreshToken> getRefresh(String id) {
    return base.getRefresh(id);
  }

  @Override
  public List<RefreshToken> listRefreshTokens() {
    return base.listRefreshTokens();
  }

  @Override
  public void updateRefreshToken(String id, UnaryOperator<RefreshToken> updater) {
    base.updateRefreshToken(id, updater);
  }

  @Override
  public void deleteRefresh(String id) {
    base.deleteRefresh(id);
  }

  @Override
  public void createOfflineSessions(OfflineSessions sessions) {
    base.createOfflineSessions(sessions);
  }

  @Override
  public Optional<OfflineSessions> getOfflineSessions(String userId, String connId) {
    return base.getOfflineSessions(userId, connId);
  }

  @Override
  public void updateOfflineSessions(
      String userId, String connId, UnaryOperator<OfflineSessions> updater) {
    base.updateOfflineSessions(userId, connId, updater);
  }

  @Override
  public void deleteOfflineSessions(String userId, String connId) {
    base.deleteOfflineSessions(userId, connId);
  }

  @Override
  public Optional<Keys> getKeys() {
    return base.getKeys();
  }

  @Override
  public void updateKeys(KeysUpdater updater) {
    base.updateKeys(updater);
  }

  @Override
  public void createDeviceRequest(DeviceRequest request) {
    base.createDeviceRequest(request);
  }

  @Override
  public Optional<DeviceRequest> getDeviceRequest(String userCode) {
    return base.getDeviceRequest(userCode);
  }

  @Override
  public void createDeviceToken(DeviceToken token) {
    base.createDeviceToken(token);
  }

  @Override
  public Optional<DeviceToken> getDeviceToken(String deviceCode) {
    return base.getDeviceToken(deviceCode);
  }

  @Override
  public void updateDeviceToken(String deviceCode, UnaryOperator<DeviceToken> updater) {
    base.updateDeviceToken(deviceCode, updater);
  }

  @Override
  public void createUserIdentity(UserIdentity identity) {
    base.createUserIdentity(identity);
  }

  @Override
  public Optional<UserIdentity> getUserIdentity(String userId, String connectorId) {
    return base.getUserIdentity(userId, connectorId);
  }

  @Override
  public List<UserIdentity> listUserIdentities() {
    return base.listUserIdentities();
  }

  @Override
  public void updateUserIdentity(
      String userId, String connectorId, UnaryOperator<UserIdentity> updater) {
    base.updateUserIdentity(userId, connectorId, updater);
  }

  @Override
  public void deleteUserIdentity(String userId, String connectorId) {
    base.deleteUserIdentity(userId, connectorId);
  }

  @Override
  public void createAuthSession(AuthSession session) {
    base.createAuthSession(session);
  }

  @Override
  public Optional<AuthSession> getAuthSession(String id) {
    return base.getAuthSession(id);
  }

  @Override
  public List<AuthSession> listAuthSessions() {
    return base.listAuthSessions();
  }

  @Override
  public void updateAuthSession(String id, UnaryOperator<AuthSession> updater) {
    base.updateAuthSession(id, updater);
  }

  @Override
  public void deleteAuthSession(String id) {
    base.deleteAuthSession(id);
  }

  @Override
  public GarbageCollection garbageCollect(Instant now) {
    return base.garbageCollect(now);
  }

  @Override
  public void close() {
    base.close();
  }
}

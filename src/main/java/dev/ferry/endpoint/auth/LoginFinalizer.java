package dev.ferry.endpoint.auth;

import dev.ferry.connector.Identity;
import dev.ferry.connector.RefreshConnector;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.oauth2.Scopes;
import dev.ferry.storage.AlreadyExistsException;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Claims;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.UserConnectorKey;
import dev.ferry.token.RefreshTokens;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every login ends with (Dex: server/authflow/finalize.go finalizeLogin, sessions off): the
 * identity's claims and connector data go onto the auth request, which is marked logged in with its
 * {@code auth_time}; and when the client asked for {@code offline_access} through a connector that
 * can refresh, the user's offline session for the connector is created, or its connector data
 * replaced by a non-empty new one. Refresh tokens are added to it later, by the code grant.
 */
final class LoginFinalizer {
  private static final Logger log = LoggerFactory.getLogger(LoginFinalizer.class);

  private final Storage storage;
  private final Clock clock;

  LoginFinalizer(Storage storage, Clock clock) {
    this.storage = storage;
    this.clock = clock;
  }

  /** The auth request as stored after the login; any failure is Dex's "Login error." page. */
  AuthRequest finalizeLogin(Identity identity, AuthRequest authRequest, OpenedConnector connector) {
    Claims claims = RefreshTokens.claimsOf(identity);
    try {
      storage
          .authRequests()
          .update(
              authRequest.id(),
              a -> AuthRequests.loggedIn(a, claims, identity.connectorData(), clock.instant()));
      log.atInfo()
          .setMessage("login successful")
          .addKeyValue("connector_id", authRequest.connectorId())
          .addKeyValue("user_id", claims.userId())
          .addKeyValue("username", claims.username())
          .addKeyValue("preferred_username", claims.preferredUsername())
          .addKeyValue("email", claims.email() + (claims.emailVerified() ? "" : " (unverified)"))
          .addKeyValue("groups", claims.groups())
          .log();
      if (authRequest.scopes().contains(Scopes.OFFLINE_ACCESS)
          && connector.connector() instanceof RefreshConnector) {
        recordOfflineSession(identity, authRequest.connectorId());
      }
      Optional<AuthRequest> stored = storage.authRequests().get(authRequest.id());
      if (stored.isEmpty()) {
        throw new StorageException("auth request vanished during login");
      }
      return stored.get();
    } catch (StorageException e) {
      log.atError().setMessage("failed to finalize login").setCause(e).log();
      throw new FlowException.Shown(500, "Login error.");
    }
  }

  private void recordOfflineSession(Identity identity, String connectorId) {
    UserConnectorKey key = new UserConnectorKey(identity.userId(), connectorId);
    if (storage.offlineSessions().get(key).isEmpty()) {
      try {
        storage
            .offlineSessions()
            .create(
                new OfflineSessions(
                    identity.userId(), connectorId, Map.of(), identity.connectorData()));
        return;
      } catch (AlreadyExistsException e) {
        // another login of the same user created it meanwhile: update it as Dex would have
      }
    }
    if (identity.connectorData().length > 0) {
      storage
          .offlineSessions()
          .update(
              key,
              old ->
                  new OfflineSessions(
                      old.userId(), old.connId(), old.refresh(), identity.connectorData()));
    }
  }
}

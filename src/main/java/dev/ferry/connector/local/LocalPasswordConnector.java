package dev.ferry.connector.local;

import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.PasswordCheckBusyException;
import dev.ferry.connector.PasswordConnector;
import dev.ferry.connector.RefreshConnector;
import dev.ferry.storage.Password;
import dev.ferry.storage.StorageException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local} connector: logs people in against the password entries in storage (Dex:
 * server/connectors/password.go passwordDB). The username is the email address, matched
 * case-insensitively (storage keys passwords by the lower-cased email).
 *
 * <p>Login, as Dex: an unknown email is a failed login; a stored hash whose cost is outside 10..16
 * is an error (Dex refuses to compare against it); a wrong password is a failed login; otherwise
 * the identity is the entry's {@code userID}, its {@code name} (or {@code username} when the name
 * is empty) as username, its {@code preferredUsername}, email, {@code emailVerified} (true when
 * unset) and groups. There is no connector data.
 *
 * <p>Ferry beyond Dex: an unknown email still costs one bcrypt comparison, against a decoy hash of
 * the cost of the last real hash checked (one decoy per cost, made when first needed; making it
 * costs what a comparison costs), so the answer's timing does not tell which addresses have an
 * account, whatever cost the stored hashes have; and every comparison goes through the {@link
 * PasswordCheckLimiter}. A comparison the limiter refuses (the server is flooded with logins) is
 * neither a failed login nor a broken connector: it throws {@link PasswordCheckBusyException},
 * which endpoints answer with {@code 503} and {@code Retry-After}, so a person with the right
 * password is told to retry rather than that the password is wrong. Refusals are logged as a
 * warning, once and then every 1000th.
 */
final class LocalPasswordConnector implements PasswordConnector, RefreshConnector {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPasswordConnector.class);

  private final String id;
  private final Function<String, Optional<Password>> passwords;
  private final PasswordCheckLimiter limiter;
  private final AtomicLong refused = new AtomicLong();

  /** Decoy hashes of a throwaway password, by cost, compared against for unknown emails. */
  private final ConcurrentHashMap<Integer, byte[]> decoys = new ConcurrentHashMap<>();

  /** The cost of the last stored hash checked: the decoy's, so both answers take as long. */
  private volatile int lastCost = Bcrypt.MIN_COST;

  LocalPasswordConnector(
      String id, Function<String, Optional<Password>> passwords, PasswordCheckLimiter limiter) {
    this.id = id;
    this.passwords = passwords;
    this.limiter = limiter;
  }

  /** Dex's prompt for the local database's username field. */
  @Override
  public String prompt() {
    return "Email Address";
  }

  @Override
  public Optional<Identity> login(ConnectorScopes scopes, String email, String password)
      throws IdentityException {
    Optional<Password> stored = lookup(email);
    if (stored.isEmpty()) {
      decoyCheck(password);
      return Optional.empty();
    }
    Password entry = stored.get();
    Optional<String> costProblem = Bcrypt.costProblem(entry.hash());
    if (costProblem.isPresent()) {
      // Dex: the check keeps hashes too cheap to resist guessing, or too dear to serve, unusable.
      throw new IdentityException(costProblem.get());
    }
    lastCost = Bcrypt.cost(entry.hash());
    if (!compare(entry.hash(), password)) {
      return Optional.empty();
    }
    return Optional.of(
        new Identity(
            entry.userId(),
            displayName(entry),
            entry.preferredUsername(),
            entry.email(),
            emailVerified(entry),
            entry.groups(),
            new byte[0]));
  }

  /**
   * Dex's passwordDB.Refresh: the entry must still exist under the identity's email with the same
   * user id (a deleted user, or a new user who took over the address, ends the session); the
   * username, preferred username, email verification and groups are read again.
   */
  @Override
  public Identity refresh(ConnectorScopes scopes, Identity identity) throws IdentityException {
    Password entry = lookup(identity.email()).orElseThrow(LocalPasswordConnector::userNotFound);
    if (!entry.userId().equals(identity.userId())) {
      throw userNotFound();
    }
    return new Identity(
        identity.userId(),
        displayName(entry),
        entry.preferredUsername(),
        identity.email(),
        emailVerified(entry),
        entry.groups(),
        identity.connectorData());
  }

  private Optional<Password> lookup(String email) throws IdentityException {
    try {
      return passwords.apply(email);
    } catch (StorageException e) {
      throw new IdentityException("get password: " + e.getMessage(), e);
    }
  }

  private boolean compare(byte[] hash, String password) throws PasswordCheckBusyException {
    return checked(limiter.run(() -> Bcrypt.matches(hash, password)));
  }

  /**
   * Spends what checking a real hash of the last cost seen would: compares against the decoy of
   * that cost, or, the first time, makes it (as dear as a comparison). The result is ignored.
   */
  private void decoyCheck(String password) throws PasswordCheckBusyException {
    int cost = lastCost;
    var unused =
        checked(
            limiter.run(() -> {
              byte[] decoy = decoys.get(cost);
              if (decoy == null) {
                decoys.putIfAbsent(cost, Bcrypt.decoy(cost));
                return false;
              }
              return Bcrypt.matches(decoy, password);
            }));
  }

  /** The costs a decoy has been made for (for tests). */
  java.util.Set<Integer> decoyCosts() {
    return java.util.Set.copyOf(decoys.keySet());
  }

  private boolean checked(Optional<Boolean> matched) throws PasswordCheckBusyException {
    if (matched.isPresent()) {
      return matched.get();
    }
    long count = refused.incrementAndGet();
    if (count == 1 || count % 1000 == 0) {
      LOG.atWarn()
          .setMessage("password check refused: too many logins at once, answered 503")
          .addKeyValue("connector_id", id)
          .addKeyValue("refused_total", count)
          .log();
    }
    throw new PasswordCheckBusyException("too many password checks at once");
  }

  private static String displayName(Password entry) {
    return entry.name().isEmpty() ? entry.username() : entry.name();
  }

  private static boolean emailVerified(Password entry) {
    Boolean verified = entry.emailVerified();
    return verified == null || verified;
  }

  private static IdentityException userNotFound() {
    return new IdentityException("user not found");
  }
}

package dev.ferry.cli;

import dev.ferry.config.ConnectorConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.StaticClient;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@code ferry policy explain} can tell without the upstream that {@code /token} would refuse
 * before the trust rules: the client may not use the connector, and (for claims not verified) an
 * expired token or one from another issuer. Explain says so instead of answering "allowed" for a
 * token the server would refuse.
 */
final class OfflineChecks {
  private OfflineChecks() {}

  /**
   * @param verified whether the connector verified the token (then it checked {@code exp} and
   *     {@code iss} itself)
   * @return the reasons {@code /token} would refuse, empty when none is known
   */
  static List<String> refusals(
      FerryConfig config,
      ConnectorConfig connector,
      String clientId,
      Map<String, Object> claims,
      boolean verified,
      Instant now) {
    List<String> reasons = new ArrayList<>();
    for (StaticClient client : config.staticClients()) {
      if (client.id().equals(clientId)
          && !client.allowedConnectors().isEmpty()
          && !client.allowedConnectors().contains(connector.id())) {
        reasons.add(
            "client "
                + clientId
                + " may not use connector "
                + connector.id()
                + " (its allowedConnectors: "
                + String.join(", ", client.allowedConnectors())
                + ")");
      }
    }
    if (verified) {
      return reasons;
    }
    Object exp = claims.get("exp");
    if (exp == null) {
      reasons.add("the token has no exp");
    } else if (!(exp instanceof Number number)) {
      reasons.add("the token's exp is not a number of seconds: " + exp);
    } else {
      Optional<Instant> expiry = instant(number);
      if (expiry.isEmpty()) {
        reasons.add("the token's exp is out of range: " + exp);
      } else if (!expiry.get().isAfter(now)) {
        reasons.add("the token expired at " + expiry.get());
      }
    }
    Optional<String> issuer = connector.upstreamIssuer();
    Object iss = claims.get("iss");
    if (issuer.isPresent() && !sameIssuer(issuer.get(), iss)) {
      reasons.add("the token's iss " + iss + " is not the connector's issuer " + issuer.get());
    }
    return reasons;
  }

  /** Whether a client is a static client of the file (it may also live in storage). */
  static boolean isStaticClient(FerryConfig config, String clientId) {
    return config.staticClients().stream().anyMatch(client -> client.id().equals(clientId));
  }

  static Optional<Instant> instant(Number seconds) {
    double value = seconds.doubleValue();
    if (Double.isNaN(value) || Math.abs(value) > Instant.MAX.getEpochSecond()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.ofEpochSecond(seconds.longValue()));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static boolean sameIssuer(String configured, @Nullable Object iss) {
    return iss instanceof String s && strip(s).equals(strip(configured));
  }

  private static String strip(String issuer) {
    return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
  }
}

package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns verified upstream claims into an {@link Identity}, step for step as Dex's {@code
 * createIdentity} (Dex: connector/oidc/oidc.go oidcConnector.createIdentity), error messages
 * included. Shared with the browser login path in Dex, so the same rules will serve a later
 * callback capability.
 */
final class ClaimMapper {

  private final OidcConfig config;
  private final boolean hasEmailScope;
  private final Optional<Pattern> groupsFilter;
  private final Set<String> allowedGroups;

  /**
   * @param groupsFilter the compiled {@code filterGroupClaims.groupsFilter}, absent when unset or
   *     invalid (Dex ignores an invalid one with a warning)
   */
  ClaimMapper(OidcConfig config, Optional<Pattern> groupsFilter) {
    this.config = config;
    this.hasEmailScope = config.effectiveScopes().contains("email");
    this.groupsFilter = groupsFilter;
    this.allowedGroups = new HashSet<>(config.allowedGroups());
  }

  Identity map(ObjectNode claims) throws IdentityException {
    // 1. sub
    String subject =
        string(claims, "sub").orElseThrow(() -> new IdentityException("missing \"sub\" claim"));

    // 2. username
    String userNameKey = config.userNameKey().isEmpty() ? "name" : config.userNameKey();
    String username =
        string(claims, userNameKey)
            .orElseThrow(() -> new IdentityException("missing \"" + userNameKey + "\" claim"));

    // 3. preferred_username
    Optional<String> preferred = string(claims, "preferred_username");
    String mappedPreferred = config.claimMapping().preferredUsername();
    if ((preferred.isEmpty() || config.overrideClaimMapping()) && !mappedPreferred.isEmpty()) {
      preferred = string(claims, mappedPreferred);
    }

    // 4-5. email, required only when the connector's scopes ask for it
    String emailKey = "email";
    Optional<String> email = string(claims, emailKey);
    String mappedEmail = config.claimMapping().email();
    if ((email.isEmpty() || config.overrideClaimMapping()) && !mappedEmail.isEmpty()) {
      emailKey = mappedEmail;
      email = string(claims, emailKey);
    }
    if (email.isEmpty() && hasEmailScope) {
      throw new IdentityException("missing email claim, not found \"" + emailKey + "\" key");
    }

    // 6. email_verified: a present false stays false, even with insecureSkipEmailVerified
    JsonNode verifiedClaim = claims.get("email_verified");
    boolean emailVerified;
    if (verifiedClaim != null && verifiedClaim.isBoolean()) {
      emailVerified = verifiedClaim.booleanValue();
    } else if (config.insecureSkipEmailVerified()) {
      emailVerified = true;
    } else if (hasEmailScope) {
      throw new IdentityException("missing \"email_verified\" claim");
    } else {
      emailVerified = false;
    }

    // 7-8. groups from a claim, then allowedGroups, then prefix/suffix
    List<String> groups = new ArrayList<>();
    if (config.insecureEnableGroups()) {
      groups = claimedGroups(claims);
    }

    // 9. newGroupFromClaims, even without insecureEnableGroups, after allowedGroups
    for (OidcConfig.NewGroupFromClaims rule : config.claimModifications().newGroupFromClaims()) {
      List<String> segments = new ArrayList<>();
      segments.add(rule.prefix());
      for (String claim : rule.claims()) {
        Optional<String> value = string(claims, claim);
        if (value.isEmpty()) {
          continue; // Dex skips missing and non-string claims
        }
        segments.add(
            rule.clearDelimiter() && !rule.delimiter().isEmpty()
                ? value.get().replace(rule.delimiter(), "")
                : value.get());
      }
      if (segments.size() > 1) {
        groups.add(String.join(rule.delimiter(), segments));
      }
    }

    // 10. userIDKey replaces the user ID; sub was still required above
    String userId = subject;
    if (!config.userIdKey().isEmpty()) {
      userId =
          string(claims, config.userIdKey())
              .orElseThrow(
                  () -> new IdentityException("oidc: not found " + config.userIdKey() + " claim"));
    }

    // 11.
    return new Identity(
        userId,
        username,
        preferred.orElse(""),
        email.orElse(""),
        emailVerified,
        groups,
        new byte[0]);
  }

  private List<String> claimedGroups(ObjectNode claims) throws IdentityException {
    String groupsKey = "groups";
    JsonNode value = claims.get(groupsKey);
    boolean isArray = value != null && value.isArray();
    String mappedGroups = config.claimMapping().groups();
    if ((!isArray || config.overrideClaimMapping()) && !mappedGroups.isEmpty()) {
      groupsKey = mappedGroups;
      value = claims.get(groupsKey);
    }
    List<String> groups = new ArrayList<>();
    if (value != null && value.isTextual()) {
      // Dex: a single string becomes one group, and the regex filter is not applied to it.
      groups.add(value.textValue());
    } else if (value != null && value.isArray()) {
      for (JsonNode element : value) {
        String name;
        if (element.isTextual()) {
          name = element.textValue();
        } else if (element.isObject()) {
          JsonNode named = element.get("name");
          if (named == null || !named.isTextual()) {
            continue; // Dex skips objects without a string "name"
          }
          name = named.textValue();
        } else {
          throw new IdentityException("malformed \"" + groupsKey + "\" claim");
        }
        if (groupsFilter.isEmpty() || groupsFilter.get().matcher(name).find()) {
          groups.add(name);
        }
      }
    }
    if (!allowedGroups.isEmpty()) {
      groups.removeIf(group -> !allowedGroups.contains(group));
      if (groups.isEmpty()) {
        throw new IdentityException("user not a member of allowed groups");
      }
    }
    String prefix = config.claimModifications().modifyGroupNames().prefix();
    String suffix = config.claimModifications().modifyGroupNames().suffix();
    if (!prefix.isEmpty() || !suffix.isEmpty()) {
      groups.replaceAll(group -> prefix + group + suffix);
    }
    return groups;
  }

  private static Optional<String> string(ObjectNode claims, String key) {
    JsonNode value = claims.get(key);
    return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
  }
}

package dev.ferry.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code staticPasswords}: a local user, valid only with {@code enablePasswordDB}
 * (Dex: {@code password} in cmd/dex/config.go).
 *
 * @param hash bcrypt hash as a {@code $2a$...} string. The file may give it base64-encoded or
 *     through {@code hashFromEnv}; after loading it is always the decoded hash
 * @param hashFromEnv env var that held the hash when {@code hash} was empty
 * @param name the {@code name} claim; Dex falls back to {@code username}
 * @param emailVerified default true
 */
public record StaticPassword(
    String email,
    String hash,
    String hashFromEnv,
    String username,
    @JsonProperty("userID") String userId,
    String name,
    String preferredUsername,
    boolean emailVerified,
    List<String> groups) {

  /** Binds a file entry: absent strings are "", an absent {@code emailVerified} is true. */
  @JsonCreator
  public StaticPassword(
      @JsonProperty("email") @Nullable String email,
      @JsonProperty("hash") @Nullable String hash,
      @JsonProperty("hashFromEnv") @Nullable String hashFromEnv,
      @JsonProperty("username") @Nullable String username,
      @JsonProperty("userID") @Nullable String userId,
      @JsonProperty("name") @Nullable String name,
      @JsonProperty("preferredUsername") @Nullable String preferredUsername,
      @JsonProperty("emailVerified") @Nullable Boolean emailVerified,
      @JsonProperty("groups") @Nullable List<String> groups) {
    this(
        Defaults.str(email),
        Defaults.str(hash),
        Defaults.str(hashFromEnv),
        Defaults.str(username),
        Defaults.str(userId),
        Defaults.str(name),
        Defaults.str(preferredUsername),
        emailVerified == null || emailVerified,
        Defaults.strings(groups));
  }

  static StaticPassword empty() {
    return new StaticPassword(null, null, null, null, null, null, null, null, null);
  }

  StaticPassword withHash(String value) {
    return new StaticPassword(
        email,
        value,
        hashFromEnv,
        username,
        userId,
        name,
        preferredUsername,
        emailVerified,
        groups);
  }

  /** Leaves out the hash. */
  @Override
  public String toString() {
    return "StaticPassword[email=" + email + ", username=" + username + "]";
  }
}

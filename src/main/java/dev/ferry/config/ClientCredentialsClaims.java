package dev.ferry.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code staticClients[].clientCredentialsClaims} (Dex HEAD): claims put into tokens issued by the
 * client_credentials grant.
 */
public record ClientCredentialsClaims(List<String> groups) {
  static final ClientCredentialsClaims NONE = new ClientCredentialsClaims(null);

  public ClientCredentialsClaims(@Nullable List<String> groups) {
    this.groups = Defaults.strings(groups);
  }
}

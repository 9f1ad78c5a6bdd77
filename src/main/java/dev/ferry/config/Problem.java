package dev.ferry.config;

/**
 * One thing wrong with a config file.
 *
 * @param key where it is, as a path of config keys such as {@code staticClients[1].name}; empty
 *     when the problem is the whole file
 * @param message what is wrong, in Dex's words where Dex has them; never a secret value
 */
public record Problem(String key, String message) {
  @Override
  public String toString() {
    return key.isEmpty() ? message : key + ": " + message;
  }
}

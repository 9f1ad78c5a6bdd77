package dev.ferry.oauth2;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * The syntax of a {@code resource} value (RFC 8707 §2): an absolute URI (RFC 3986 §4.3, a scheme
 * and no fragment). One rule for the request parameter and for the trust rules' {@code resources},
 * so that a value the configuration accepts can be asked for, and the other way round.
 */
public final class ResourceIndicator {

  private ResourceIndicator() {}

  /**
   * Why {@code value} is not a resource indicator, worded to follow the value in a message; empty
   * when it is one.
   */
  public static Optional<String> problem(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return Optional.of("is not an absolute URI");
    }
    if (!uri.isAbsolute()) {
      return Optional.of("is not an absolute URI");
    }
    // getRawFragment is "" for a trailing '#': still a fragment, which RFC 8707 forbids.
    if (uri.getRawFragment() != null) {
      return Optional.of("must not contain a fragment");
    }
    return Optional.empty();
  }
}

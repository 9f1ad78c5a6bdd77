package dev.ferry.endpoint.token.grant;

import dev.ferry.endpoint.token.IssuerIdentity;
import dev.ferry.http.Form;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.ResourceIndicator;
import dev.ferry.policy.TokenShaping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The targets of a token exchange: its audience and resource parameters (RFC 8693 §2.1, RFC 8707
 * §2), both repeatable, as sent. Dex ignores both; Ferry honours them, because a parameter silently
 * dropped would hand out a token for another audience than the one asked for.
 *
 * <p>Three steps, each run by the grant at its place in the order: {@link #checkSyntax()} with the
 * other parameter checks, before the upstream token is verified; {@link #checkAllowed} once the
 * trust rules decided (it needs the deciding rule) and before signing; {@link #audience()} for the
 * issued token. Without either parameter every step is a no-op and the token is Dex's.
 *
 * @param audiences the values of the audience parameter, in request order
 * @param resources the values of the resource parameter, in request order
 */
public record Targets(List<String> audiences, List<String> resources) {

  /** More values than any real deployment needs; bounds the work and the token's size. */
  static final int MAX_VALUES = 20;

  /** Longer than any sensible URI or client id (browsers' practical URL limit). */
  static final int MAX_LENGTH = 2048;

  /** Whether a requested audience is a client that accepts the requester as a peer. */
  @FunctionalInterface
  interface Peers {
    boolean accept(String peerId, String clientId);
  }

  public Targets {
    audiences = List.copyOf(audiences);
    resources = List.copyOf(resources);
  }

  /** Reads every {@code audience} and {@code resource} value; nothing is checked here. */
  static Targets parse(Form form) {
    return new Targets(form.all("audience"), form.all("resource"));
  }

  boolean isEmpty() {
    return audiences.isEmpty() && resources.isEmpty();
  }

  /**
   * The values are well formed: not empty, not oversized, not too many, and each {@code resource}
   * an absolute URI without a fragment (RFC 8707 §2).
   *
   * @throws OAuthException {@code invalid_request} naming the value (a too long one is not echoed)
   */
  void checkSyntax() {
    if (audiences.size() + resources.size() > MAX_VALUES) {
      throw invalidRequest(
          "Too many audience and resource values: at most " + MAX_VALUES + " are allowed.");
    }
    checkValues("audience", audiences);
    checkValues("resource", resources);
    for (String resource : resources) {
      Optional<String> problem = ResourceIndicator.problem(resource);
      if (problem.isPresent()) {
        throw invalidRequest(
            "Invalid resource "
                + OAuthException.quoted(resource)
                + ": it "
                + problem.get()
                + " (RFC 8707).");
      }
    }
  }

  /**
   * Each target is one this client may have a token for: an {@code audience} whose client lists the
   * requester in its {@code trustedPeers} (Dex's cross-client rule, which also admits the
   * requester's own id: that is the audience it gets anyway), or one of the deciding rule's {@code
   * audiences}; a {@code resource} listed in the deciding rule's {@code resources}. Nothing else,
   * and never Ferry itself (its issuer URL or token endpoint URL), whatever a rule or a client
   * lists: a token addressed to Ferry could be replayed to it as an RFC 7523 assertion, turning one
   * client's token into a grant.
   *
   * @param shaping the trust decision; without a deciding rule its lists are empty
   * @param self Ferry's own names, which no target may be
   * @throws OAuthException {@code invalid_target} naming the first value not allowed
   */
  void checkAllowed(String clientId, TokenShaping shaping, Peers peers, IssuerIdentity self) {
    Set<String> own = self.audiences();
    for (String audience : audiences) {
      if (own.contains(audience)
          || (!shaping.audiences().contains(audience) && !peers.accept(audience, clientId))) {
        throw invalidTarget("audience", audience);
      }
    }
    for (String resource : resources) {
      if (own.contains(resource) || !shaping.resources().contains(resource)) {
        throw invalidTarget("resource", resource);
      }
    }
  }

  /**
   * The issued token's {@code aud}: the audiences, then the resources, in request order, each once;
   * empty when none was asked for (Dex's audience then applies).
   */
  List<String> audience() {
    LinkedHashSet<String> audience = new LinkedHashSet<>(audiences);
    audience.addAll(resources);
    return new ArrayList<>(audience);
  }

  private static void checkValues(String parameter, List<String> values) {
    for (String value : values) {
      if (value.isEmpty()) {
        throw invalidRequest("The " + parameter + " parameter must not be empty.");
      }
      if (value.length() > MAX_LENGTH) {
        throw invalidRequest(
            "Each " + parameter + " value must be at most " + MAX_LENGTH + " characters long.");
      }
    }
  }

  private static OAuthException invalidRequest(String description) {
    return new OAuthException(OAuthError.INVALID_REQUEST, description);
  }

  private static OAuthException invalidTarget(String parameter, String value) {
    return new OAuthException(
        OAuthError.INVALID_TARGET,
        "The "
            + parameter
            + " "
            + OAuthException.quoted(value)
            + " is not a target this client may request.");
  }
}

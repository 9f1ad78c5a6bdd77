package dev.ferry.workload;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** What {@code ferry token} prints ({@code --output}). */
public enum Output {
  /** The bare token and a newline. */
  TOKEN("token"),
  /** The token response's JSON. */
  JSON("json"),
  /** {@code FERRY_TOKEN=...} lines for a shell or a CI environment file. */
  ENV("env"),
  /**
   * A {@code client.authentication.k8s.io/v1} ExecCredential for a kubeconfig {@code exec} user.
   */
  EXEC_CREDENTIAL("exec-credential");

  private final String flag;

  Output(String flag) {
    this.flag = flag;
  }

  public String flag() {
    return flag;
  }

  @Override
  public String toString() {
    return flag;
  }

  /**
   * The text to print for {@code token}, ending in a newline; an exec credential for a token
   * without an expiry is {@link Failure#OUTPUT}.
   *
   * <ul>
   *   <li>{@code token}: the token.
   *   <li>{@code json}: the token response as Ferry sent it, except that {@code expires_in} is the
   *       seconds left now (a cached response would otherwise claim its original lifetime); it is
   *       left as it was when the expiry is unknown.
   *   <li>{@code env}: {@code FERRY_TOKEN=<token>}, then {@code FERRY_TOKEN_EXPIRES_AT=<RFC 3339
   *       UTC>} when the expiry is known (the line is left out otherwise, so that a script can test
   *       whether it is set). Values are unquoted, as {@code $GITHUB_ENV} and {@code .env} files
   *       take them literally; a token with characters a shell would interpret is refused rather
   *       than printed in a form that breaks.
   *   <li>{@code exec-credential}: a {@code client.authentication.k8s.io/v1} ExecCredential with
   *       {@code status.expirationTimestamp}, which kubectl needs: without it kubectl keeps the
   *       token for the life of the process and never asks again.
   * </ul>
   *
   * <p>Only {@code json} loads Jackson: the others are what kubectl and shells call on every
   * command, from the cache, and must start fast.
   */
  public String render(IssuedToken token, Clock clock) throws WorkloadException {
    return switch (this) {
      case TOKEN -> token.token() + "\n";
      case JSON -> ResponseJson.withExpiresIn(token, clock) + "\n";
      case ENV -> env(token);
      case EXEC_CREDENTIAL -> execCredential(token);
    };
  }

  private static String env(IssuedToken token) throws WorkloadException {
    if (!token.token().matches("[A-Za-z0-9._~+/=-]+")) {
      throw new WorkloadException(
          Failure.OUTPUT,
          "the token has characters an env line cannot carry unquoted; use --output token or"
              + " json");
    }
    Instant expiresAt = token.expiresAt();
    return "FERRY_TOKEN="
        + token.token()
        + "\n"
        + (expiresAt == null ? "" : "FERRY_TOKEN_EXPIRES_AT=" + rfc3339(expiresAt) + "\n");
  }

  private static String execCredential(IssuedToken token) throws WorkloadException {
    Instant expiresAt = token.expiresAt();
    if (expiresAt == null) {
      throw new WorkloadException(
          Failure.OUTPUT,
          "the token has no expiry (the response has no expires_in and the token no exp), so"
              + " kubectl would keep it forever; an exec credential needs one");
    }
    return "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        + "\"status\":{\"token\":"
        + quote(token.token())
        + ",\"expirationTimestamp\":\""
        + rfc3339(expiresAt)
        + "\"}}\n";
  }

  /** RFC 3339 in UTC, to the second, as Kubernetes' metav1.Time writes it. */
  static String rfc3339(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** A JSON string literal, without loading a JSON library. */
  static String quote(String value) {
    StringBuilder json = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"').toString();
  }
}

package dev.ferry.policy;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One token exchange or JWT bearer grant, issued or refused, for the audit trail. Fields that do
 * not apply are absent, never invented; nothing here is a secret (the subject token appears only as
 * its SHA-256).
 *
 * @param requestId the {@code X-Request-Id} of the response
 * @param clientId the authenticated client; absent when authentication failed
 * @param connectorId the {@code connector_id} the request named
 * @param subject absent when no subject token was sent
 * @param issued the issued token, only when one was
 * @param error the OAuth error code answered, for outcomes other than {@code issued}
 * @param grantType the {@code grant_type} of a grant other than token exchange; absent for token
 *     exchange, so that its records stay as they were before Ferry audited other grants
 */
public record AuditRecord(
    Instant time,
    String requestId,
    AuditOutcome outcome,
    Optional<String> clientId,
    Optional<String> connectorId,
    Optional<AuditSubject> subject,
    TrustReport trust,
    Optional<Issued> issued,
    String remoteAddr,
    Optional<String> error,
    Optional<String> grantType) {

  /** A token exchange's record. */
  public AuditRecord(
      Instant time,
      String requestId,
      AuditOutcome outcome,
      Optional<String> clientId,
      Optional<String> connectorId,
      Optional<AuditSubject> subject,
      TrustReport trust,
      Optional<Issued> issued,
      String remoteAddr,
      Optional<String> error) {
    this(
        time,
        requestId,
        outcome,
        clientId,
        connectorId,
        subject,
        trust,
        issued,
        remoteAddr,
        error,
        Optional.empty());
  }

  /** What was issued: its id, audience and expiry. */
  public record Issued(String jti, List<String> audience, Instant expiresAt) {
    public Issued {
      audience = List.copyOf(audience);
    }
  }

  /**
   * The record as JSON-ready values in the documented member order: {@code time, request_id,
   * outcome, grant_type, client_id, connector_id, subject, rule, rules, issued, remote_addr} (then
   * {@code error}). Times are RFC 3339 for {@code time}, NumericDate seconds inside {@code subject}
   * and {@code issued}, as in the tokens themselves.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("time", DateTimeFormatter.ISO_INSTANT.format(time));
    putIfNotEmpty(map, "request_id", requestId);
    map.put("outcome", outcome.wireName());
    grantType.ifPresent(type -> map.put("grant_type", type));
    clientId.ifPresent(id -> map.put("client_id", id));
    connectorId.filter(id -> !id.isEmpty()).ifPresent(id -> map.put("connector_id", id));
    subject.ifPresent(s -> map.put("subject", subjectMap(s)));
    trust.rule().ifPresent(rule -> map.put("rule", rule));
    if (!trust.rules().isEmpty()) {
      List<Map<String, Object>> rules = new ArrayList<>();
      for (RuleOutcome rule : trust.rules()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", rule.name());
        entry.put("mode", rule.mode().configName());
        entry.put("result", rule.result().wireName());
        rule.reason().ifPresent(reason -> entry.put("reason", reason));
        rules.add(entry);
      }
      map.put("rules", rules);
    }
    issued.ifPresent(token -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("jti", token.jti());
      entry.put("aud", token.audience());
      entry.put("exp", token.expiresAt().getEpochSecond());
      map.put("issued", entry);
    });
    putIfNotEmpty(map, "remote_addr", remoteAddr);
    error.ifPresent(code -> map.put("error", code));
    return map;
  }

  private static Map<String, Object> subjectMap(AuditSubject s) {
    Map<String, Object> map = new LinkedHashMap<>();
    s.issuer().ifPresent(v -> map.put("iss", v));
    s.subject().ifPresent(v -> map.put("sub", v));
    if (!s.audience().isEmpty()) {
      map.put("aud", s.audience());
    }
    s.jti().ifPresent(v -> map.put("jti", v));
    s.issuedAt().ifPresent(v -> map.put("iat", v.getEpochSecond()));
    s.expiresAt().ifPresent(v -> map.put("exp", v.getEpochSecond()));
    map.put("sha256", s.sha256());
    return map;
  }

  private static void putIfNotEmpty(Map<String, Object> map, String key, String value) {
    if (!value.isEmpty()) {
      map.put(key, value);
    }
  }
}

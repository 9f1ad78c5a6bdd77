package dev.ferry.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.policy.Explanation.ClaimValue;
import dev.ferry.policy.Explanation.ConjunctExplanation;
import dev.ferry.policy.Explanation.RuleExplanation;
import java.util.Map;

/**
 * {@code ferry policy explain --json}: one object
 *
 * <pre>{@code
 * {"allowed": false, "token": {"passed": true} | {"passed": false, "reason": "..."},
 *  "rule": "NAME" (when one decided),
 *  "rules": [{"name", "mode", "result", "reason",
 *             "conjuncts": [{"source", "status", "error", "claims": [{"name", "present", "value"}]}]}],
 *  "issued": {"username", "groups", "claims", "not_after"} (when allowed)}
 * }</pre>
 *
 * Fields that do not apply are left out; {@code result} and {@code status} are the wire names
 * ({@code no_match}, {@code not_evaluated}).
 */
public final class ExplanationJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ExplanationJson() {}

  public static ObjectNode toJson(Explanation explanation) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("allowed", explanation.allowed());
    ObjectNode token = root.putObject("token");
    token.put("passed", explanation.tokenRefusal().isEmpty());
    explanation.tokenRefusal().ifPresent(reason -> token.put("reason", reason));
    explanation.decidingRule().ifPresent(rule -> root.put("rule", rule));
    ArrayNode rules = root.putArray("rules");
    for (RuleExplanation rule : explanation.rules()) {
      ObjectNode node = rules.addObject();
      node.put("name", rule.name());
      node.put("mode", rule.mode().configName());
      node.put("result", rule.result().wireName());
      rule.reason().ifPresent(reason -> node.put("reason", reason));
      if (!rule.conjuncts().isEmpty()) {
        ArrayNode conjuncts = node.putArray("conjuncts");
        for (ConjunctExplanation conjunct : rule.conjuncts()) {
          ObjectNode part = conjuncts.addObject();
          part.put("source", conjunct.source());
          part.put("status", conjunct.status().wireName());
          conjunct.error().ifPresent(error -> part.put("error", error));
          ArrayNode claims = part.putArray("claims");
          for (ClaimValue claim : conjunct.claims()) {
            ObjectNode seen = claims.addObject();
            seen.put("name", claim.name());
            seen.put("present", claim.value().isPresent());
            claim.value().ifPresent(value -> seen.set("value", MAPPER.valueToTree(value)));
          }
        }
      }
    }
    if (explanation.allowed()) {
      TokenShaping shaping = explanation.shaping();
      ObjectNode issued = root.putObject("issued");
      shaping.username().ifPresent(username -> issued.put("username", username));
      shaping.groups().ifPresent(groups -> issued.set("groups", MAPPER.valueToTree(groups)));
      if (!shaping.claims().isEmpty()) {
        ObjectNode claims = issued.putObject("claims");
        for (Map.Entry<String, Object> claim : shaping.claims().entrySet()) {
          claims.set(claim.getKey(), MAPPER.valueToTree(claim.getValue()));
        }
      }
      shaping.notAfter().ifPresent(notAfter -> issued.put("not_after", notAfter.toString()));
      if (!shaping.audiences().isEmpty()) {
        issued.set("audiences", MAPPER.valueToTree(shaping.audiences()));
      }
      if (!shaping.resources().isEmpty()) {
        issued.set("resources", MAPPER.valueToTree(shaping.resources()));
      }
    }
    return root;
  }

  public static String render(Explanation explanation) {
    return toJson(explanation).toString();
  }
}

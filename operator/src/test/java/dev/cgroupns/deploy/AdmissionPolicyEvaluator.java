package dev.cgroupns.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a ValidatingAdmissionPolicy the way the API server does for one request, with the CEL
 * library the API server's own is compatible with: match constraints (resource and operation), then
 * match conditions, then variables in order, then validations, and failurePolicy Fail for any
 * evaluation error. No API server can run in tests, so this is how the policy's CEL is proven.
 *
 * <p>The variables are evaluated eagerly rather than on first use; for policies whose variables do
 * not fail on the requests they are not used for, as this project's do not, the outcome is the
 * same.
 */
final class AdmissionPolicyEvaluator {

  /** What the API server would answer. */
  record Decision(Outcome outcome, String message) {
    static Decision notMatched() {
      return new Decision(Outcome.NOT_MATCHED, "");
    }
  }

  enum Outcome {
    /** The policy does not apply to this request; other checks decide. */
    NOT_MATCHED,
    ALLOWED,
    DENIED
  }

  private static final ObjectMapper VALUES =
      new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

  // The names the API server declares for a ValidatingAdmissionPolicy without params.
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("request", SimpleType.DYN)
          .addVar("object", SimpleType.DYN)
          .addVar("oldObject", SimpleType.DYN)
          .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode policy;
  private final Map<String, CelRuntime.Program> matchConditions = new LinkedHashMap<>();
  private final Map<String, CelRuntime.Program> variables = new LinkedHashMap<>();
  private final List<Validation> validations = new ArrayList<>();

  private record Validation(
      String expression, CelRuntime.Program check, String message, CelRuntime.Program messageOf) {}

  AdmissionPolicyEvaluator(JsonNode policy) {
    this.policy = policy;
    JsonNode spec = policy.path("spec");
    spec.path("matchConditions")
        .forEach(c -> matchConditions.put(c.path("name").asText(), compile(c.path("expression"))));
    spec.path("variables")
        .forEach(v -> variables.put(v.path("name").asText(), compile(v.path("expression"))));
    for (JsonNode v : spec.path("validations")) {
      validations.add(
          new Validation(
              v.path("expression").asText(),
              compile(v.path("expression")),
              v.path("message").asText(""),
              v.has("messageExpression") ? compile(v.path("messageExpression")) : null));
    }
  }

  /**
   * The decision for one request. {@code request} is the AdmissionRequest as JSON (operation,
   * resource, subResource, userInfo); {@code object} and {@code oldObject} may be null, as on
   * CREATE and DELETE.
   */
  Decision admit(JsonNode request, JsonNode object, JsonNode oldObject) {
    if (!matchesConstraints(request)) {
      return Decision.notMatched();
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("request", value(request));
    vars.put("object", value(object));
    vars.put("oldObject", value(oldObject));
    Map<String, Object> computed = new LinkedHashMap<>();
    vars.put("variables", computed);
    try {
      for (CelRuntime.Program condition : matchConditions.values()) {
        if (!Boolean.TRUE.equals(condition.eval(vars))) {
          return Decision.notMatched();
        }
      }
      for (Map.Entry<String, CelRuntime.Program> variable : variables.entrySet()) {
        computed.put(variable.getKey(), variable.getValue().eval(vars));
      }
      for (Validation validation : validations) {
        if (!Boolean.TRUE.equals(validation.check().eval(vars))) {
          String message =
              validation.messageOf() == null
                  ? validation.message()
                  : String.valueOf(validation.messageOf().eval(vars));
          return new Decision(
              Outcome.DENIED, message.isEmpty() ? "failed: " + validation.expression() : message);
        }
      }
      return new Decision(Outcome.ALLOWED, "");
    } catch (CelEvaluationException e) {
      boolean fail = !"Ignore".equals(policy.path("spec").path("failurePolicy").asText("Fail"));
      return new Decision(
          fail ? Outcome.DENIED : Outcome.ALLOWED, "evaluation error: " + e.getMessage());
    }
  }

  private boolean matchesConstraints(JsonNode request) {
    String resource = request.path("resource").path("resource").asText();
    String sub = request.path("subResource").asText("");
    String group = request.path("resource").path("group").asText();
    String full = sub.isEmpty() ? resource : resource + "/" + sub;
    String operation = request.path("operation").asText();
    for (JsonNode rule : policy.path("spec").path("matchConstraints").path("resourceRules")) {
      if (contains(rule.path("apiGroups"), group)
          && contains(rule.path("resources"), full)
          && contains(rule.path("operations"), operation)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(JsonNode list, String value) {
    for (JsonNode item : list) {
      if (item.asText().equals(value) || item.asText().equals("*")) {
        return true;
      }
    }
    return false;
  }

  private static Object value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    try {
      // treeToValue, not convertValue: the latter hands back the JsonNode itself for Object.class.
      return VALUES.treeToValue(node, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON value: " + node, e);
    }
  }

  private static CelRuntime.Program compile(JsonNode expression) {
    String text = expression.asText();
    try {
      return RUNTIME.createProgram(COMPILER.compile(text).getAst());
    } catch (CelValidationException e) {
      throw new AssertionError("policy expression does not compile: " + text + "\n" + e, e);
    } catch (CelEvaluationException e) {
      throw new AssertionError("policy expression cannot be planned: " + text, e);
    }
  }
}

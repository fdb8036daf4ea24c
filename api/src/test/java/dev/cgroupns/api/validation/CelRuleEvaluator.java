package dev.cgroupns.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates the x-kubernetes-validations (CEL) rules of a CRD schema against a resource, at every
 * level where the schema declares them, as the API server does on create. Transition rules (those
 * that read {@code oldSelf}) only apply to updates and are evaluated by {@link #validateUpdate}.
 */
final class CelRuleEvaluator {
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          // Kubernetes enables the standard macros (has, all, exists, map, filter).
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  private final JsonNode schema;

  CelRuleEvaluator(JsonNode openApiV3Schema) {
    this.schema = openApiV3Schema;
  }

  List<String> validate(JsonNode resource) {
    List<String> errors = new ArrayList<>();
    walk("", schema, resource, null, errors);
    return errors;
  }

  List<String> validateUpdate(JsonNode oldResource, JsonNode newResource) {
    List<String> errors = new ArrayList<>();
    walk("", schema, newResource, oldResource, errors);
    return errors;
  }

  /** Compiles a rule, so a test can prove every rule in a CRD is valid CEL. */
  static void compile(String rule) {
    program(rule);
  }

  private void walk(
      String path, JsonNode nodeSchema, JsonNode value, JsonNode oldValue, List<String> errors) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return;
    }
    for (JsonNode validation : nodeSchema.path("x-kubernetes-validations")) {
      String rule = validation.path("rule").asText();
      boolean transition = rule.contains("oldSelf");
      if (transition && oldValue == null) {
        continue;
      }
      Map<String, Object> vars = new LinkedHashMap<>();
      vars.put("self", JsonValues.toCel(value));
      if (transition) {
        vars.put("oldSelf", JsonValues.toCel(oldValue));
      }
      if (!evaluate(rule, vars)) {
        String message = validation.path("message").asText("failed rule: " + rule);
        errors.add((path.isEmpty() ? "<root>" : path) + ": " + message);
      }
    }
    if (value.isObject()) {
      JsonNode properties = nodeSchema.path("properties");
      properties
          .fieldNames()
          .forEachRemaining(
              name ->
                  walk(
                      path.isEmpty() ? name : path + "." + name,
                      properties.get(name),
                      value.get(name),
                      oldValue == null ? null : oldValue.get(name),
                      errors));
      JsonNode additional = nodeSchema.path("additionalProperties");
      if (additional.isObject()) {
        value
            .fieldNames()
            .forEachRemaining(
                key ->
                    walk(
                        path + "[" + key + "]",
                        additional,
                        value.get(key),
                        oldValue == null ? null : oldValue.get(key),
                        errors));
      }
    } else if (value.isArray()) {
      JsonNode items = nodeSchema.path("items");
      for (int i = 0; i < value.size(); i++) {
        // List items are matched by position only for lists the server treats as atomic; an update
        // of a map-list would match by key. Our transition rules are on scalars, so this is enough.
        walk(path + "[" + i + "]", items, value.get(i), null, errors);
      }
    }
  }

  private static boolean evaluate(String rule, Map<String, Object> vars) {
    try {
      Object result = program(rule).eval(vars);
      return Boolean.TRUE.equals(result);
    } catch (CelEvaluationException e) {
      // The API server reports an evaluation error as a failed validation, not a pass.
      return false;
    }
  }

  private static CelRuntime.Program program(String rule) {
    return PROGRAMS.computeIfAbsent(
        rule,
        r -> {
          try {
            CelAbstractSyntaxTree ast = COMPILER.compile(r).getAst();
            return RUNTIME.createProgram(ast);
          } catch (CelValidationException e) {
            throw new IllegalArgumentException("rule does not compile: " + r + "\n" + e, e);
          } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("rule cannot be planned: " + r, e);
          }
        });
  }
}

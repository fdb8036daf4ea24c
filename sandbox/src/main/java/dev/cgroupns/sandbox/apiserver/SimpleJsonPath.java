package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of Kubernetes JSONPath that printer columns use: field steps ({@code .status.matched})
 * and equality filters on array elements ({@code .conditions[?(@.type=="Ready")]}), optionally
 * followed by more field steps.
 *
 * <p>Why not a JSONPath library: none is among the packages this project may use, and the CRDs use
 * two forms only. Anything else is rejected when the path is compiled, so an unsupported column is
 * reported once rather than silently rendering wrong cells.
 */
public final class SimpleJsonPath {

  private static final Pattern FIELD = Pattern.compile("\\.([A-Za-z0-9_-]+)");
  private static final Pattern FILTER =
      Pattern.compile("\\[\\?\\(@\\.([A-Za-z0-9_-]+)\\s*==\\s*(?:\"([^\"]*)\"|'([^']*)')\\)]");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

  private final String expression;
  private final List<Step> steps;

  private SimpleJsonPath(String expression, List<Step> steps) {
    this.expression = expression;
    this.steps = steps;
  }

  /**
   * Compiles a printer-column path. Braces around the whole path ({@code {.a.b}}) are accepted, as
   * kubectl's template syntax allows them.
   *
   * @throws IllegalArgumentException for any form outside the supported subset
   */
  public static SimpleJsonPath compile(String expression) {
    String rest = expression.trim();
    if (rest.startsWith("{") && rest.endsWith("}")) {
      rest = rest.substring(1, rest.length() - 1).trim();
    }
    if (rest.startsWith("$")) {
      rest = rest.substring(1);
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("empty JSONPath");
    }
    List<Step> steps = new ArrayList<>();
    int at = 0;
    while (at < rest.length()) {
      Matcher field = FIELD.matcher(rest).region(at, rest.length());
      Matcher filter = FILTER.matcher(rest).region(at, rest.length());
      Matcher index = INDEX.matcher(rest).region(at, rest.length());
      if (field.lookingAt()) {
        steps.add(new Field(field.group(1)));
        at = field.end();
      } else if (filter.lookingAt()) {
        String value = filter.group(2) != null ? filter.group(2) : filter.group(3);
        steps.add(new Filter(filter.group(1), value));
        at = filter.end();
      } else if (index.lookingAt()) {
        steps.add(new Index(Integer.parseInt(index.group(1))));
        at = index.end();
      } else {
        throw new IllegalArgumentException(
            "unsupported JSONPath '" + expression + "' at '" + rest.substring(at) + "'");
      }
    }
    return new SimpleJsonPath(expression, List.copyOf(steps));
  }

  /** All values the path selects, in document order; empty when nothing matches. */
  public List<JsonNode> select(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        step.apply(node, next);
      }
      current = next;
    }
    return current;
  }

  /** The first selected value, or null: what a table cell shows. */
  public JsonNode first(JsonNode root) {
    List<JsonNode> values = select(root);
    return values.isEmpty() ? null : values.get(0);
  }

  @Override
  public String toString() {
    return expression;
  }

  private sealed interface Step permits Field, Filter, Index {
    void apply(JsonNode node, List<JsonNode> out);
  }

  private record Field(String name) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> out) {
      JsonNode child = node.get(name);
      if (child != null && !child.isNull()) {
        out.add(child);
      }
    }
  }

  /** Keeps the elements of an array whose field equals the literal (compared as text). */
  private record Filter(String field, String value) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> out) {
      if (!node.isArray()) {
        return;
      }
      for (JsonNode element : node) {
        JsonNode candidate = element.get(field);
        if (candidate != null && candidate.isValueNode() && value.equals(candidate.asText())) {
          out.add(element);
        }
      }
    }
  }

  private record Index(int index) implements Step {
    @Override
    public void apply(JsonNode node, List<JsonNode> out) {
      if (node.isArray() && index < node.size()) {
        out.add(node.get(index));
      }
    }
  }
}

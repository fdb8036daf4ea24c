package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kubernetes field selector ({@code spec.nodeName=local,involvedObject.kind!=Pod}) evaluated on
 * an object's JSON.
 *
 * <p>The mock server understands only metadata.name and metadata.namespace and answers any other
 * field with an empty list, which would make {@code kubectl describe} show no Events and the node
 * agent see no pods. Evaluating the selector here, on the stored objects, gives real semantics for
 * every dotted field path.
 */
public final class FieldSelector {

  private final List<Requirement> requirements;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /**
   * Parses the selector syntax of the API server: requirements separated by commas, each {@code
   * path=value}, {@code path==value} or {@code path!=value}; backslash escapes a comma, equals sign
   * or backslash in a value.
   */
  public static FieldSelector parse(String selector) {
    List<Requirement> requirements = new ArrayList<>();
    for (String part : splitUnescaped(selector)) {
      if (part.isBlank()) {
        continue;
      }
      int ne = part.indexOf("!=");
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("invalid field selector requirement '" + part + "'");
      }
      if (ne >= 0 && ne < eq) {
        requirements.add(
            new Requirement(part.substring(0, ne).trim(), unescape(part.substring(ne + 2)), false));
      } else {
        int valueStart = part.startsWith("==", eq) ? eq + 2 : eq + 1;
        requirements.add(
            new Requirement(
                part.substring(0, eq).trim(), unescape(part.substring(valueStart)), true));
      }
    }
    return new FieldSelector(List.copyOf(requirements));
  }

  /** The field paths the selector tests. */
  public List<String> fields() {
    return requirements.stream().map(Requirement::path).toList();
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** True when every requirement holds; a missing field compares as the empty string. */
  public boolean matches(JsonNode object) {
    for (Requirement r : requirements) {
      JsonNode node = object;
      for (String segment : r.path().split("\\.")) {
        node = node == null ? null : node.get(segment);
      }
      String actual = node == null || node.isNull() || node.isContainerNode() ? "" : node.asText();
      if (actual.equals(r.value()) != r.equal()) {
        return false;
      }
    }
    return true;
  }

  private static List<String> splitUnescaped(String s) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        current.append(c).append(s.charAt(++i));
      } else if (c == ',') {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  private static String unescape(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  private record Requirement(String path, String value, boolean equal) {}
}

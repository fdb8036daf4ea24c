package dev.cgroupns.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.TreeSet;

/** Names the first place where two JSON trees differ, so a drift message can point at it. */
final class JsonDifference {
  private JsonDifference() {}

  /** Null when equal, else a JSON pointer and what each side holds there. */
  static String first(JsonNode expected, JsonNode actual) {
    return first("", expected, actual);
  }

  private static String first(String at, JsonNode expected, JsonNode actual) {
    if (expected.equals(actual)) {
      return null;
    }
    if (expected.isObject() && actual.isObject()) {
      TreeSet<String> names = new TreeSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      actual.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String here = at + "/" + name;
        if (!expected.has(name)) {
          return here + " is new in the classes";
        }
        if (!actual.has(name)) {
          return here + " is gone from the classes";
        }
        String deeper = first(here, expected.get(name), actual.get(name));
        if (deeper != null) {
          return deeper;
        }
      }
    }
    if (expected.isArray() && actual.isArray()) {
      Iterator<JsonNode> e = expected.elements();
      Iterator<JsonNode> a = actual.elements();
      for (int i = 0; e.hasNext() && a.hasNext(); i++) {
        String deeper = first(at + "/" + i, e.next(), a.next());
        if (deeper != null) {
          return deeper;
        }
      }
      return at + " has " + expected.size() + " items in crds/ but " + actual.size() + " generated";
    }
    return at + " is " + expected + " in crds/ but " + actual + " generated";
  }
}

package dev.cgroupns.operator.reconciler;

import io.fabric8.kubernetes.client.utils.Serialization;

/** Comparisons and copies through the JSON form, the form the API server stores. */
final class Json {
  private Json() {}

  /** Whether two objects serialize to the same JSON (the API classes have no equals). */
  static boolean same(Object a, Object b) {
    return Serialization.jsonMapper()
        .valueToTree(a)
        .equals(Serialization.jsonMapper().valueToTree(b));
  }

  static <T> T copy(T value, Class<T> type) {
    return Serialization.jsonMapper().convertValue(value, type);
  }
}

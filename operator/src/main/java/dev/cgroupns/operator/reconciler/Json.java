package dev.cgroupns.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Objects;

/**
 * Comparisons and copies through the JSON form, the form the API server stores. Not through the
 * client's static {@code Serialization}: that class links jackson-dataformat-yaml, which the
 * operator's runtime classpath (and image) does not have, so its first use fails there.
 */
final class Json {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Json() {}

  /** Whether two objects serialize to the same JSON (the API classes have no equals). */
  static boolean same(Object a, Object b) {
    return Objects.equals(
        SERIALIZATION.convertValue(a, JsonNode.class),
        SERIALIZATION.convertValue(b, JsonNode.class));
  }

  static <T> T copy(T value, Class<T> type) {
    return SERIALIZATION.convertValue(value, type);
  }

  /** The JSON text of a value, e.g. a JSON patch. */
  static String write(Object value) {
    return SERIALIZATION.asJson(value);
  }
}

package dev.cgroupns.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Offline validation of built-in Kubernetes objects: `kubectl apply --dry-run=client` needs an API
 * server for its schemas, so instead each object is read into fabric8's typed model. fabric8 does
 * not reject what it does not know; it keeps unknown or mistyped fields in additionalProperties
 * maps. This check walks the typed object and reports every such field, which is what a strict API
 * server would reject (a misspelt readinessProbe, a number where a string belongs, a field of
 * another API version).
 */
final class StrictModelCheck {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  private StrictModelCheck() {}

  /** The typed object, or an AssertionError naming every field the model does not know. */
  static HasMetadata typed(JsonNode object) {
    String id = Rendered.id(object);
    Object parsed;
    try {
      parsed = SERIALIZATION.unmarshal(object.toString());
    } catch (RuntimeException e) {
      throw new AssertionError(id + " does not deserialize into the Kubernetes model: " + e, e);
    }
    if (!(parsed instanceof HasMetadata typed) || parsed instanceof GenericKubernetesResource) {
      throw new AssertionError(
          id
              + " ("
              + object.path("apiVersion").asText()
              + ") is not a kind the Kubernetes model knows; a typo in apiVersion or kind?");
    }
    List<String> unknown = new ArrayList<>();
    walk(typed, "", unknown);
    if (!unknown.isEmpty()) {
      throw new AssertionError(id + " has fields the API does not define: " + unknown);
    }
    return typed;
  }

  private static void walk(Object value, String path, List<String> unknown) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "[" + k + "]", unknown));
      return;
    }
    if (!value.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (!isGetter(getter)) {
        continue;
      }
      Object child = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
        }
        continue;
      }
      walk(child, path + "." + property(getter), unknown);
    }
  }

  private static boolean isGetter(Method m) {
    return m.getParameterCount() == 0
        && !Modifier.isStatic(m.getModifiers())
        && m.getName().startsWith("get")
        && !m.getName().equals("getClass")
        && m.getDeclaringClass().getName().startsWith(MODEL_PACKAGE);
  }

  private static String property(Method getter) {
    String name = getter.getName().substring(3);
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter + " of " + target, e);
    }
  }
}

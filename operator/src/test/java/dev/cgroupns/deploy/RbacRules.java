package dev.cgroupns.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a ServiceAccount may do, according to the rendered RBAC objects: every rule of every Role
 * and ClusterRole bound to it, flattened to one permission per (scope, group, resource, verb). Flat
 * strings make a table in a test easy to read and a difference easy to see.
 */
final class RbacRules {

  static final String CLUSTER_WIDE = "cluster";

  private RbacRules() {}

  /**
   * A permission as "scope group/resource verb", where scope is "cluster" or the namespace, group
   * "core" for the core API group, and resource includes a subresource ("pods/status") and a
   * resourceNames restriction ("leases[name]") when the rule has them.
   */
  static String permission(String scope, String group, String resource, String verb) {
    return scope + " " + (group.isEmpty() ? "core" : group) + "/" + resource + " " + verb;
  }

  /** Every permission that the ServiceAccount namespace/name holds through a binding. */
  static Set<String> granted(Rendered rendered, String namespace, String name) {
    Set<String> all = new TreeSet<>();
    for (String bindingKind : List.of("ClusterRoleBinding", "RoleBinding")) {
      for (JsonNode binding : rendered.ofKind(bindingKind)) {
        if (!bindsServiceAccount(binding, namespace, name)) {
          continue;
        }
        String scope =
            bindingKind.equals("ClusterRoleBinding") ? CLUSTER_WIDE : Rendered.namespace(binding);
        all.addAll(permissions(role(rendered, binding), scope));
      }
    }
    return all;
  }

  /** The permissions one Role or ClusterRole grants when bound in scope. */
  static Set<String> permissions(JsonNode role, String scope) {
    Set<String> all = new TreeSet<>();
    for (JsonNode rule : role.path("rules")) {
      if (rule.has("nonResourceURLs")) {
        all.add(scope + " nonResourceURLs " + strings(rule.path("nonResourceURLs")));
      }
      List<String> names = strings(rule.path("resourceNames"));
      for (String group : strings(rule.path("apiGroups"))) {
        for (String resource : strings(rule.path("resources"))) {
          String restricted = names.isEmpty() ? resource : resource + names;
          for (String verb : strings(rule.path("verbs"))) {
            all.add(permission(scope, group, restricted, verb));
          }
        }
      }
    }
    return all;
  }

  /** Every apiGroup, resource, verb, resourceName or URL that is a wildcard, with its role. */
  static List<String> wildcards(Rendered rendered) {
    List<String> found = new ArrayList<>();
    for (String kind : List.of("ClusterRole", "Role")) {
      for (JsonNode role : rendered.ofKind(kind)) {
        for (JsonNode rule : role.path("rules")) {
          rule.fields()
              .forEachRemaining(
                  field -> {
                    for (String value : strings(field.getValue())) {
                      if (value.contains("*")) {
                        found.add(Rendered.id(role) + " " + field.getKey() + "=" + value);
                      }
                    }
                  });
        }
      }
    }
    return found;
  }

  static boolean bindsServiceAccount(JsonNode binding, String namespace, String name) {
    for (JsonNode subject : binding.path("subjects")) {
      if (subject.path("kind").asText().equals("ServiceAccount")
          && subject.path("name").asText().equals(name)
          && subject.path("namespace").asText(Rendered.namespace(binding)).equals(namespace)) {
        return true;
      }
    }
    return false;
  }

  /** The role a binding refers to; a binding to a role that does not exist fails the test. */
  static JsonNode role(Rendered rendered, JsonNode binding) {
    String kind = binding.path("roleRef").path("kind").asText();
    String name = binding.path("roleRef").path("name").asText();
    return rendered.ofKind(kind).stream()
        .filter(r -> Rendered.name(r).equals(name))
        .filter(
            r ->
                kind.equals("ClusterRole")
                    || Rendered.namespace(r).equals(Rendered.namespace(binding)))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    Rendered.id(binding)
                        + " refers to "
                        + kind
                        + " "
                        + name
                        + ", which is not rendered"));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}

package dev.cgroupns.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The objects one kustomization renders to. */
record Rendered(Path dir, List<JsonNode> objects) {

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  Optional<JsonNode> find(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
  }

  JsonNode get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> new AssertionError(label() + " renders no " + kind + " " + name));
  }

  String label() {
    return RepositoryLayout.label(dir);
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  static String namespace(JsonNode object) {
    return object.path("metadata").path("namespace").asText("");
  }

  /** kind/namespace/name, for messages. */
  static String id(JsonNode object) {
    String ns = namespace(object);
    return object.path("kind").asText() + "/" + (ns.isEmpty() ? "" : ns + "/") + name(object);
  }
}

package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The legacy discovery documents kubectl reads to map kinds and short names to URLs: /api, /apis,
 * /api/v1 and /apis/GROUP/VERSION, plus /version. All derived from the {@link ApiCatalog}.
 *
 * <p>Aggregated discovery (apidiscovery.k8s.io/v2) is not served: kubectl asks for it first and
 * falls back to these documents when the answer is plain JSON.
 */
public final class DiscoveryDocuments {

  private final ObjectMapper json;
  private final ApiCatalog catalog;

  public DiscoveryDocuments(ObjectMapper json, ApiCatalog catalog) {
    this.json = json;
    this.catalog = catalog;
  }

  /** GET /api */
  public ObjectNode coreVersions() {
    ObjectNode doc = json.createObjectNode().put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    return doc;
  }

  /** GET /apis */
  public ObjectNode groupList() {
    ObjectNode doc = json.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    for (Map.Entry<String, Set<String>> group : catalog.groups().entrySet()) {
      groups.add(group(group.getKey(), group.getValue()));
    }
    return doc;
  }

  /** GET /apis/GROUP */
  public ObjectNode group(String name, Set<String> versions) {
    ObjectNode doc = json.createObjectNode().put("kind", "APIGroup").put("apiVersion", "v1");
    doc.put("name", name);
    ArrayNode list = doc.putArray("versions");
    for (String v : versions) {
      list.addObject().put("groupVersion", name + "/" + v).put("version", v);
    }
    String preferred = versions.iterator().next();
    doc.putObject("preferredVersion")
        .put("groupVersion", name + "/" + preferred)
        .put("version", preferred);
    return doc;
  }

  /** GET /api/v1 or /apis/GROUP/VERSION; null when nothing is served there. */
  public ObjectNode resourceList(String group, String version) {
    List<ApiResource> resources = catalog.resources(group, version);
    if (resources.isEmpty()) {
      return null;
    }
    ObjectNode doc = json.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1");
    doc.put("groupVersion", resources.get(0).groupVersion());
    ArrayNode list = doc.putArray("resources");
    for (ApiResource r : resources) {
      ObjectNode entry =
          list.addObject()
              .put("name", r.plural())
              .put("singularName", r.singular())
              .put("namespaced", r.namespaced())
              .put("kind", r.kind());
      ArrayNode verbs = entry.putArray("verbs");
      ApiResource.VERBS.forEach(verbs::add);
      if (!r.shortNames().isEmpty()) {
        ArrayNode shortNames = entry.putArray("shortNames");
        r.shortNames().forEach(shortNames::add);
      }
      if (!r.categories().isEmpty()) {
        ArrayNode categories = entry.putArray("categories");
        r.categories().forEach(categories::add);
      }
      for (String sub : r.subresources()) {
        ObjectNode subEntry =
            list.addObject()
                .put("name", r.plural() + "/" + sub)
                .put("singularName", "")
                .put("namespaced", r.namespaced())
                .put("kind", r.kind());
        subEntry.putArray("verbs").add("get").add("patch").add("update");
      }
    }
    return doc;
  }

  /** GET /version: the Kubernetes release whose API the CRDs and kubectl are checked against. */
  public ObjectNode version() {
    return json.createObjectNode()
        .put("major", "1")
        .put("minor", "32")
        .put("gitVersion", "v1.32.0-cgroupns-sandbox")
        .put("gitCommit", "")
        .put("gitTreeState", "clean")
        .put("buildDate", "2025-01-01T00:00:00Z")
        .put("goVersion", "n/a (fabric8 mock server in CRUD mode)")
        .put("compiler", "n/a")
        .put("platform", "linux/amd64");
  }
}

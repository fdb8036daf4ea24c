package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * OpenAPI v3 documents (/openapi/v3 and /openapi/v3/apis/GROUP/VERSION), derived from the catalog
 * and, for the project's kinds, from the CRDs' openAPIV3Schema.
 *
 * <p>Why serve them at all: {@code kubectl apply} validates by default. It first asks the OpenAPI
 * v3 document whether the server validates fields itself (a {@code fieldValidation} parameter on
 * the kind's PATCH operation); without an answer it falls back to downloading /openapi/v2 as
 * protobuf, which the embedded endpoint cannot produce. The documents here declare that parameter,
 * so kubectl sends {@code fieldValidation=Strict} and skips client-side validation. The store does
 * not validate (see the README's list of limits), but {@code kubectl explain} gets the real
 * schemas.
 *
 * <p>PATCH operations list JSON patch, merge patch and apply patch, as a real server does for
 * custom resources, so kubectl's three-way apply computes a JSON merge patch, which the store
 * supports.
 */
public final class OpenApiDocuments {

  private final ObjectMapper json;
  private final ApiCatalog catalog;

  public OpenApiDocuments(ObjectMapper json, ApiCatalog catalog) {
    this.json = json;
    this.catalog = catalog;
  }

  /** GET /openapi/v3: one entry per served group-version, with a content hash in its URL. */
  public ObjectNode root() {
    ObjectNode root = json.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    for (String groupVersionPath : groupVersionPaths()) {
      String[] parts = groupVersionPath.split("/");
      String group = parts[0].equals("api") ? "" : parts[1];
      String version = parts[parts.length - 1];
      ObjectNode doc = groupVersion(group, version);
      paths
          .putObject(groupVersionPath)
          .put("serverRelativeURL", "/openapi/v3/" + groupVersionPath + "?hash=" + hash(doc));
    }
    return root;
  }

  /** GET /openapi/v3/api/v1 or /openapi/v3/apis/GROUP/VERSION; null when nothing is served. */
  public ObjectNode groupVersion(String group, String version) {
    List<ApiResource> resources = catalog.resources(group, version);
    if (resources.isEmpty()) {
      return null;
    }
    ObjectNode doc = json.createObjectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode componentSchemas = doc.putObject("components").putObject("schemas");
    String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    for (ApiResource r : resources) {
      String schemaName = schemaName(r);
      componentSchemas.set(schemaName, schema(r));
      String collection = prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
      ObjectNode item = paths.putObject(collection + "/{name}");
      item.set("get", operation(r, "read", schemaName, false));
      item.set("put", operation(r, "replace", schemaName, true));
      item.set("patch", patchOperation(r, schemaName));
      item.set("delete", operation(r, "delete", schemaName, false));
      ObjectNode list = paths.putObject(collection);
      list.set("post", operation(r, "create", schemaName, true));
    }
    return doc;
  }

  private List<String> groupVersionPaths() {
    return catalog.resources().stream()
        .map(r -> r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.groupVersion())
        .distinct()
        .toList();
  }

  private ObjectNode schema(ApiResource r) {
    ObjectNode schema =
        Optional.ofNullable(r.schema())
            .map(s -> ((ObjectNode) s).deepCopy())
            .orElseGet(
                () ->
                    json.createObjectNode()
                        .put("type", "object")
                        .put("x-kubernetes-preserve-unknown-fields", true));
    ObjectNode properties =
        schema.has("properties")
            ? (ObjectNode) schema.get("properties")
            : schema.putObject("properties");
    properties
        .putObject("apiVersion")
        .put("type", "string")
        .put("description", "APIVersion of the object.");
    properties.putObject("kind").put("type", "string").put("description", "Kind of the object.");
    properties
        .putObject("metadata")
        .put("type", "object")
        .put("description", "Standard object metadata.");
    schema.set("x-kubernetes-group-version-kind", gvk(r));
    return schema;
  }

  private ObjectNode operation(ApiResource r, String action, String schemaName, boolean body) {
    ObjectNode op = json.createObjectNode().put("operationId", action + r.kind());
    op.set("x-kubernetes-group-version-kind", gvk(r).get(0));
    op.put("x-kubernetes-action", action.equals("read") ? "get" : action);
    ArrayNode params = op.putArray("parameters");
    if (body) {
      addFieldValidation(params);
      op.putObject("requestBody")
          .putObject("content")
          .putObject("application/json")
          .putObject("schema")
          .put("$ref", "#/components/schemas/" + schemaName);
    }
    op.putObject("responses").putObject("200").put("description", "OK");
    return op;
  }

  private ObjectNode patchOperation(ApiResource r, String schemaName) {
    ObjectNode op = json.createObjectNode().put("operationId", "patch" + r.kind());
    op.set("x-kubernetes-group-version-kind", gvk(r).get(0));
    op.put("x-kubernetes-action", "patch");
    addFieldValidation(op.putArray("parameters"));
    ObjectNode content = op.putObject("requestBody").putObject("content");
    for (String type :
        List.of(
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml")) {
      content.putObject(type).putObject("schema").put("type", "object");
    }
    op.putObject("responses")
        .putObject("200")
        .put("description", "OK")
        .putObject("content")
        .putObject("application/json")
        .putObject("schema")
        .put("$ref", "#/components/schemas/" + schemaName);
    return op;
  }

  private void addFieldValidation(ArrayNode params) {
    params
        .addObject()
        .put("name", "fieldValidation")
        .put("in", "query")
        .put("description", "Strict, Warn or Ignore.")
        .putObject("schema")
        .put("type", "string")
        .put("uniqueItems", true);
  }

  private ArrayNode gvk(ApiResource r) {
    ArrayNode list = json.createArrayNode();
    list.addObject().put("group", r.group()).put("version", r.version()).put("kind", r.kind());
    return list;
  }

  /** Reverse-DNS naming as the API server uses for CRD schemas, e.g. dev.cgroupns.v1alpha1.Kind. */
  private static String schemaName(ApiResource r) {
    if (r.group().isEmpty()) {
      return "io.k8s.api.core." + r.version() + "." + r.kind();
    }
    List<String> parts = new java.util.ArrayList<>(List.of(r.group().split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + r.version() + "." + r.kind();
  }

  private String hash(JsonNode doc) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(json.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16).toUpperCase(java.util.Locale.ROOT);
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

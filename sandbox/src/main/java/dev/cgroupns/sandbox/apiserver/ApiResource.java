package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A resource the embedded endpoint serves, with what discovery and table output need about it.
 *
 * @param group API group, empty for the core group
 * @param version API version
 * @param plural resource name in URLs
 * @param singular singular name
 * @param kind object kind
 * @param namespaced true for namespaced resources
 * @param shortNames kubectl's short names
 * @param categories kubectl's categories (for {@code kubectl get all}-like lookups)
 * @param subresources subresource names, e.g. "status"
 * @param columns table columns after Name
 * @param schema the version's openAPIV3Schema, or null (built-in kinds)
 */
public record ApiResource(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    List<String> subresources,
    List<PrinterColumn> columns,
    JsonNode schema) {

  /** The verbs the CRUD store supports for every resource. */
  public static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  public ApiResource {
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
    subresources = List.copyOf(subresources);
    columns = List.copyOf(columns);
  }

  /** "group/version", or "version" for the core group. */
  public String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}

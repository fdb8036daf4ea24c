package dev.cgroupns.sandbox.apiserver;

import java.util.List;

/**
 * The built-in kinds the sandbox and its users touch. A real API server derives these from its
 * compiled-in types; the embedded endpoint has none, so they are listed here. Everything about the
 * project's own kinds comes from the installed CRDs instead (see {@link CrdResources}).
 */
public final class BuiltInResources {

  private BuiltInResources() {}

  public static List<ApiResource> all() {
    return List.of(
        builtIn("", "v1", "namespaces", "Namespace", false, List.of("ns"), List.of("status")),
        builtIn("", "v1", "nodes", "Node", false, List.of("no"), List.of("status")),
        withColumns(
            inCategoryAll(builtIn("", "v1", "pods", "Pod", true, List.of("po"), List.of("status"))),
            List.of(
                column("Status", "string", 0, ".status.phase"),
                column("Restarts", "integer", 0, ".status.containerStatuses[0].restartCount"),
                PrinterColumn.ageColumn(),
                column("Node", "string", 1, ".spec.nodeName"))),
        builtIn("", "v1", "events", "Event", true, List.of("ev"), List.of()),
        builtIn("", "v1", "configmaps", "ConfigMap", true, List.of("cm"), List.of()),
        builtIn("", "v1", "secrets", "Secret", true, List.of(), List.of()),
        inCategoryAll(
            builtIn("", "v1", "services", "Service", true, List.of("svc"), List.of("status"))),
        builtIn("", "v1", "serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of()),
        builtIn(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
            List.of("crd", "crds"),
            List.of("status")),
        builtIn("coordination.k8s.io", "v1", "leases", "Lease", true, List.of(), List.of()),
        builtIn("events.k8s.io", "v1", "events", "Event", true, List.of("ev"), List.of()));
  }

  /** Replaces the default Age column; a real server has more (READY needs counting). */
  private static ApiResource withColumns(ApiResource r, List<PrinterColumn> columns) {
    return new ApiResource(
        r.group(),
        r.version(),
        r.plural(),
        r.singular(),
        r.kind(),
        r.namespaced(),
        r.shortNames(),
        r.categories(),
        r.subresources(),
        columns,
        r.schema());
  }

  /** {@code kubectl get all} lists the kinds in category "all" (of these, pods and services). */
  private static ApiResource inCategoryAll(ApiResource r) {
    return new ApiResource(
        r.group(),
        r.version(),
        r.plural(),
        r.singular(),
        r.kind(),
        r.namespaced(),
        r.shortNames(),
        List.of("all"),
        r.subresources(),
        r.columns(),
        r.schema());
  }

  private static PrinterColumn column(String name, String type, int priority, String path) {
    return new PrinterColumn(name, type, "", priority, SimpleJsonPath.compile(path));
  }

  private static ApiResource builtIn(
      String group,
      String version,
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> subresources) {
    return new ApiResource(
        group,
        version,
        plural,
        kind.toLowerCase(java.util.Locale.ROOT),
        kind,
        namespaced,
        shortNames,
        List.of(),
        subresources,
        List.of(PrinterColumn.ageColumn()),
        null);
  }
}

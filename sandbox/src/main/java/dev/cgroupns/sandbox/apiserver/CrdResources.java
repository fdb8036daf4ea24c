package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Derives served resources (names, scope, subresources, printer columns) from CRD objects. */
public final class CrdResources {

  private static final Logger LOG = LoggerFactory.getLogger(CrdResources.class);

  private CrdResources() {}

  /** One resource per served version of the CRD. */
  public static List<ApiResource> fromCrd(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText();
    String plural = names.path("plural").asText();
    String kind = names.path("kind").asText();
    if (group.isEmpty() || plural.isEmpty() || kind.isEmpty()) {
      return List.of();
    }
    String singular = names.path("singular").asText(kind.toLowerCase(java.util.Locale.ROOT));
    boolean namespaced = !"Cluster".equals(spec.path("scope").asText());
    List<ApiResource> resources = new ArrayList<>();
    for (JsonNode version : spec.path("versions")) {
      if (!version.path("served").asBoolean(true)) {
        continue;
      }
      List<String> subresources = new ArrayList<>();
      version.path("subresources").fieldNames().forEachRemaining(subresources::add);
      resources.add(
          new ApiResource(
              group,
              version.path("name").asText(),
              plural,
              singular,
              kind,
              namespaced,
              texts(names.path("shortNames")),
              texts(names.path("categories")),
              subresources,
              columns(plural, version.path("additionalPrinterColumns")),
              version.path("schema").path("openAPIV3Schema").isObject()
                  ? version.path("schema").path("openAPIV3Schema")
                  : null));
    }
    return resources;
  }

  private static List<PrinterColumn> columns(String plural, JsonNode declared) {
    if (!declared.isArray() || declared.isEmpty()) {
      return List.of(PrinterColumn.ageColumn());
    }
    List<PrinterColumn> columns = new ArrayList<>();
    for (JsonNode c : declared) {
      String path = c.path("jsonPath").asText();
      try {
        columns.add(
            new PrinterColumn(
                c.path("name").asText(),
                c.path("type").asText("string"),
                c.path("description").asText(""),
                c.path("priority").asInt(0),
                SimpleJsonPath.compile(path)));
      } catch (IllegalArgumentException e) {
        // A real API server would accept it; say so once and leave the column out.
        LOG.warn(
            "{}: printer column {} not shown: {}", plural, c.path("name").asText(), e.getMessage());
      }
    }
    return columns;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

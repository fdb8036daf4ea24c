package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side table output (meta.k8s.io/v1 Table), which kubectl asks for with {@code Accept:
 * application/json;as=Table;v=v1;g=meta.k8s.io}: a Name column followed by the resource's printer
 * columns, one row per object, each cell typed by its column (date columns rendered as an age).
 */
public final class TableConverter {

  /** What each row carries besides its cells, from the {@code includeObject} query parameter. */
  public enum IncludeObject {
    NONE,
    METADATA,
    OBJECT;

    public static IncludeObject fromQuery(String value) {
      if (value == null) {
        return METADATA;
      }
      return switch (value) {
        case "None" -> NONE;
        case "Object" -> OBJECT;
        default -> METADATA;
      };
    }
  }

  private final ObjectMapper json;
  private final Clock clock;

  public TableConverter(ObjectMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  /**
   * Converts a list (an object with "items") or a single object into a table.
   *
   * @param body what the store answered
   * @param resourceColumns the resource's columns after Name
   */
  public ObjectNode toTable(
      JsonNode body, List<PrinterColumn> resourceColumns, IncludeObject include) {
    List<PrinterColumn> columns = new ArrayList<>();
    columns.add(PrinterColumn.nameColumn());
    columns.addAll(resourceColumns);

    ObjectNode table =
        json.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    JsonNode listMeta = body.path("metadata");
    if (body.has("items") && listMeta.has("resourceVersion")) {
      metadata.set("resourceVersion", listMeta.get("resourceVersion"));
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (PrinterColumn c : columns) {
      // Date columns keep type "date" (as on a real server); their cells are already ages.
      definitions
          .addObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("format", c.path() == null ? "name" : "")
          .put("description", c.description())
          .put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> objects = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(objects::add);
    } else {
      objects.add(body);
    }
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (PrinterColumn c : columns) {
        cells.add(cell(c, object));
      }
      switch (include) {
        case OBJECT -> row.set("object", object);
        case METADATA -> row.set("object", partialMetadata(object));
        case NONE -> {}
      }
    }
    return table;
  }

  private JsonNode cell(PrinterColumn column, JsonNode object) {
    if (column.path() == null) {
      return json.getNodeFactory().textNode(object.path("metadata").path("name").asText());
    }
    JsonNode value = column.path().first(object);
    if (value == null) {
      return json.getNodeFactory().nullNode();
    }
    var nodes = json.getNodeFactory();
    switch (column.type()) {
      case "integer":
        if (value.isNumber()) {
          return nodes.numberNode(value.asLong());
        }
        try {
          return nodes.numberNode(Long.parseLong(value.asText()));
        } catch (NumberFormatException e) {
          return nodes.nullNode();
        }
      case "number":
        return value.isNumber() ? value : nodes.textNode(value.asText());
      case "boolean":
        return value.isBoolean() ? value : nodes.textNode(value.asText());
      case "date":
        try {
          Instant at = Instant.parse(value.asText());
          return nodes.textNode(HumanDuration.format(Duration.between(at, clock.instant())));
        } catch (DateTimeParseException e) {
          return nodes.textNode(value.asText());
        }
      default:
        return nodes.textNode(value.isContainerNode() ? value.toString() : value.asText());
    }
  }

  private ObjectNode partialMetadata(JsonNode object) {
    ObjectNode partial =
        json.createObjectNode()
            .put("kind", "PartialObjectMetadata")
            .put("apiVersion", "meta.k8s.io/v1");
    partial.set("metadata", object.path("metadata").deepCopy());
    return partial;
  }
}

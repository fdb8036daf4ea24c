package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Table conversion with the printer columns of the committed CRD, not hand-written ones. */
class TableConverterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML =
      new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

  private final TableConverter converter =
      new TableConverter(JSON, Clock.fixed(Instant.parse("2026-01-01T00:05:00Z"), ZoneOffset.UTC));

  private static ApiResource committedCgroupIsolation() throws Exception {
    JsonNode crd =
        JSON.valueToTree(
            YAML.readTree(Path.of("../crds/cgroupisolations.cgroupns.dev-v1.yml").toFile()));
    return CrdResources.fromCrd(crd).get(0);
  }

  @Test
  void rowsCarryTypedCellsForEveryPrinterColumn() throws Exception {
    ApiResource resource = committedCgroupIsolation();
    JsonNode list =
        JSON.readTree(
            """
            {"kind":"List","metadata":{"resourceVersion":"7"},"items":[
              {"metadata":{"name":"demo","namespace":"default",
                           "creationTimestamp":"2026-01-01T00:00:00Z"},
               "spec":{"mode":"Enforce"},
               "status":{"matched":3,"isolated":2,"failed":1,
                 "conditions":[{"type":"Reconciling","status":"False"},
                               {"type":"Ready","status":"False","reason":"SomeFailed"}]}},
              {"metadata":{"name":"fresh","creationTimestamp":"2026-01-01T00:04:30Z"}}]}
            """);

    ObjectNode table =
        converter.toTable(list, resource.columns(), TableConverter.IncludeObject.METADATA);

    List<String> headers = new ArrayList<>();
    table.get("columnDefinitions").forEach(c -> headers.add(c.get("name").asText()));
    assertThat(headers)
        .containsExactly("Name", "Ready", "Mode", "Matched", "Isolated", "Failed", "Reason", "Age");
    assertThat(table.get("kind").asText()).isEqualTo("Table");
    assertThat(table.at("/metadata/resourceVersion").asText()).isEqualTo("7");
    assertThat(table.at("/columnDefinitions/2/priority").asInt()).isEqualTo(1);

    JsonNode demo = table.at("/rows/0/cells");
    assertThat(demo.toString())
        .isEqualTo("[\"demo\",\"False\",\"Enforce\",3,2,1,\"SomeFailed\",\"5m\"]");
    assertThat(table.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(table.at("/rows/0/object/metadata/name").asText()).isEqualTo("demo");

    JsonNode fresh = table.at("/rows/1/cells");
    assertThat(fresh.get(1).isNull()).isTrue();
    assertThat(fresh.get(3).isNull()).isTrue();
    assertThat(fresh.get(7).asText()).isEqualTo("30s");
  }

  @Test
  void singleObjectBecomesOneRowAndIncludeObjectIsHonoured() throws Exception {
    JsonNode object =
        JSON.readTree(
            "{\"metadata\":{\"name\":\"one\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"}}");
    ObjectNode none =
        converter.toTable(
            object, List.of(PrinterColumn.ageColumn()), TableConverter.IncludeObject.NONE);
    assertThat(none.get("rows")).hasSize(1);
    assertThat(none.at("/rows/0").has("object")).isFalse();
    ObjectNode full =
        converter.toTable(
            object, List.of(PrinterColumn.ageColumn()), TableConverter.IncludeObject.OBJECT);
    assertThat(full.at("/rows/0/object")).isEqualTo(object);
    assertThat(TableConverter.IncludeObject.fromQuery(null))
        .isEqualTo(TableConverter.IncludeObject.METADATA);
  }
}

package dev.cgroupns.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The project's CRDs: as the CRD generator writes them from the classes, and as checked into crds/.
 *
 * <p>The generator sorts printer columns by JSON path, which would show "Age" before "Ready" in
 * kubectl. The only change made to its output is to put the columns back in the order the class
 * declares them.
 */
public final class CrdDocuments {
  public static final Map<String, Class<? extends CustomResource<?, ?>>> FILES =
      Map.of(
          "cgroupisolations.cgroupns.dev-v1.yml", CgroupIsolation.class,
          "cgroupisolationnodes.cgroupns.dev-v1.yml", CgroupIsolationNode.class);

  public static final String REGENERATE_COMMAND =
      "mvn -B -pl api test -Dtest=CrdDriftTest -Dcrds.update=true";

  private static final String HEADER =
      "# Generated from the classes in api/src/main/java by the CRD generator; do not edit.\n"
          + "# Regenerate with: "
          + REGENERATE_COMMAND
          + "\n";

  public static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

  private CrdDocuments() {}

  /** The CRD generated from the classes in this build, with printer columns in class order. */
  public static ObjectNode generated(String fileName) {
    String resource = "/META-INF/fabric8/" + fileName;
    try (InputStream in = CrdDocuments.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource + " was not generated; the crd-generator-maven-plugin must run before tests");
      }
      ObjectNode crd = (ObjectNode) YAML.readTree(in);
      orderPrinterColumns(crd, FILES.get(fileName));
      return crd;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CRD as checked into crds/. */
  public static ObjectNode committed(String fileName) {
    return (ObjectNode) read(crdsDir().resolve(fileName));
  }

  public static String render(JsonNode crd) {
    try {
      return HEADER + YAML.writeValueAsString(crd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode read(Path file) {
    try {
      return YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every YAML document in a file (samples may hold several). */
  public static List<JsonNode> readAll(Path file) {
    try {
      List<JsonNode> docs = new ArrayList<>();
      var parser = YAML.getFactory().createParser(Files.readString(file));
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public static Path crdsDir() {
    return Path.of(System.getProperty("crds.dir", "../crds"));
  }

  public static Path samplesDir() {
    return Path.of(System.getProperty("samples.dir", "../manifests/samples"));
  }

  /** The openAPIV3Schema of the CRD's only version. */
  public static JsonNode schemaOf(JsonNode crd) {
    return crd.path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
  }

  private static void orderPrinterColumns(ObjectNode crd, Class<?> kind) {
    List<String> declared =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (JsonNode version : crd.path("spec").path("versions")) {
      JsonNode columns = version.path("additionalPrinterColumns");
      if (!columns.isArray()) {
        continue;
      }
      List<JsonNode> sorted = new ArrayList<>();
      columns.forEach(sorted::add);
      sorted.sort(
          (a, b) ->
              Integer.compare(
                  declared.indexOf(a.path("name").asText()),
                  declared.indexOf(b.path("name").asText())));
      ArrayNode reordered = ((ObjectNode) version).putArray("additionalPrinterColumns");
      sorted.forEach(reordered::add);
    }
  }
}

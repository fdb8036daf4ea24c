package dev.cgroupns.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization exactly as `kubectl apply -k` would, offline, and parses the result. Each
 * directory is rendered once per test run: the tests share the result.
 */
final class Kustomize {

  static final YAMLMapper YAML = new YAMLMapper();

  private static final Map<Path, Rendered> CACHE = new ConcurrentHashMap<>();

  private Kustomize() {}

  /** The objects `kubectl kustomize dir` prints, in its order. */
  static Rendered render(Path dir) {
    Path kubectl = KubectlRequirement.kubectl();
    return CACHE.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> run(kubectl, d));
  }

  private static Rendered run(Path kubectl, Path dir) {
    Path stderr = null;
    try {
      // stderr goes to a file so that neither stream can fill up and block kubectl.
      stderr = Files.createTempFile("kustomize", ".err");
      Process process =
          new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectError(stderr.toFile())
              .start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize "
                + dir
                + " failed ("
                + process.exitValue()
                + "):\n"
                + Files.readString(stderr));
      }
      return new Rendered(dir, parseAll(new String(out, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + dir, e);
    } finally {
      if (stderr != null) {
        stderr.toFile().delete();
      }
    }
  }

  /** Every document of a multi-document YAML stream, skipping empty ones. */
  static List<JsonNode> parseAll(String yaml) throws IOException {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      return docs.readAll().stream().filter(n -> n != null && !n.isNull() && !n.isEmpty()).toList();
    }
  }
}

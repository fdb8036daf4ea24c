package dev.cgroupns.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent container's environment as the base DaemonSet deploys it, read from the manifest
 * itself, so that memory tests and benches run under exactly the JVM and malloc settings users get.
 */
public final class DaemonSetSettings {
  private final Map<String, String> environment;
  private final Path manifest;

  private DaemonSetSettings(Path manifest, Map<String, String> environment) {
    this.manifest = manifest;
    this.environment = environment;
  }

  /** Reads {@code manifests/base/node-agent/daemonset.yaml} of the checkout holding the module. */
  public static DaemonSetSettings read() {
    Path module = Path.of("").toAbsolutePath();
    Path manifest = module.getParent().resolve("manifests/base/node-agent/daemonset.yaml");
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(manifest.toFile());
      Map<String, String> environment = new TreeMap<>();
      for (JsonNode env : root.at("/spec/template/spec/containers/0/env")) {
        if (env.has("value")) {
          environment.put(env.path("name").asText(), env.path("value").asText().trim());
        }
      }
      return new DaemonSetSettings(manifest, environment);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest, e);
    }
  }

  /** The flags of JAVA_TOOL_OPTIONS, one per element. */
  public List<String> jvmFlags() {
    String flags = environment.get("JAVA_TOOL_OPTIONS");
    if (flags == null) {
      throw new IllegalStateException("no JAVA_TOOL_OPTIONS in " + manifest);
    }
    return Arrays.asList(flags.split("\\s+"));
  }

  /** The glibc malloc settings (MALLOC_* variables), which bound native memory. */
  public Map<String, String> mallocSettings() {
    Map<String, String> malloc = new TreeMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("MALLOC_")) {
            malloc.put(name, value);
          }
        });
    return malloc;
  }
}

package dev.cgroupns.agent.daemon.arrivals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cgroupns.agent.discovery.ContainerIds;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the CRI runtime wrote about a container into its OCI bundle's {@code config.json}: the pod
 * UID, the container's name in the pod spec, and whether it is the pod's sandbox. The kubelet's
 * cgroup names carry the pod UID and container ID but not the name, which the agent needs to match
 * a container to the isolation's container list before the pod status names it.
 *
 * <p>Only the top-level {@code annotations} object is read, with a streaming parser that skips
 * everything else: a spec can carry a large environment, and only three strings matter. Pure.
 *
 * @param statusScheme the pod status prefix of this runtime's container IDs ("containerd", "cri-o")
 */
public record BundleAnnotations(
    String podUid, String containerName, boolean sandbox, String statusScheme) {

  /** A bundle's config.json larger than this is not read (real ones are tens of KiB). */
  public static final int MAX_BYTES = 1 << 20;

  private static final JsonFactory JSON = new JsonFactory();

  /** A container name in a pod spec: a DNS-1123 label. */
  private static final Pattern CONTAINER_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** The annotation keys of one runtime. */
  private record Keys(String scheme, String type, String name, String podUid) {}

  private static final Keys CONTAINERD =
      new Keys(
          "containerd",
          "io.kubernetes.cri.container-type",
          "io.kubernetes.cri.container-name",
          "io.kubernetes.cri.sandbox-uid");
  private static final Keys CRIO =
      new Keys(
          "cri-o",
          "io.kubernetes.cri-o.ContainerType",
          "io.kubernetes.container.name",
          "io.kubernetes.pod.uid");

  /**
   * Parses a bundle's config.json. Empty when it is not a CRI container's (no annotations of a
   * known runtime), when a value is not what the runtime writes, or when it is not JSON.
   */
  public static Optional<BundleAnnotations> parse(byte[] configJson) {
    if (configJson == null || configJson.length > MAX_BYTES) {
      return Optional.empty();
    }
    Map<String, String> annotations;
    try {
      annotations = annotations(configJson);
    } catch (IOException e) {
      return Optional.empty();
    }
    for (Keys keys : new Keys[] {CONTAINERD, CRIO}) {
      String type = annotations.get(keys.type());
      if (type == null) {
        continue;
      }
      String podUid = annotations.get(keys.podUid());
      if (podUid == null || !ContainerIds.isPodUid(podUid)) {
        return Optional.empty();
      }
      if (type.equals("sandbox")) {
        return Optional.of(new BundleAnnotations(podUid, null, true, keys.scheme()));
      }
      String name = annotations.get(keys.name());
      if (!type.equals("container") || name == null || !CONTAINER_NAME.matcher(name).matches()) {
        return Optional.empty();
      }
      return Optional.of(new BundleAnnotations(podUid, name, false, keys.scheme()));
    }
    return Optional.empty();
  }

  /** The string values of the known keys in the top-level "annotations" object. */
  private static Map<String, String> annotations(byte[] json) throws IOException {
    Map<String, String> found = new HashMap<>();
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return found;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("annotations") && value == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken token = parser.nextToken();
            if (token == JsonToken.VALUE_STRING && known(key)) {
              found.put(key, parser.getText());
            } else {
              parser.skipChildren();
            }
          }
        } else {
          parser.skipChildren();
        }
      }
    }
    return found;
  }

  private static boolean known(String key) {
    for (Keys keys : new Keys[] {CONTAINERD, CRIO}) {
      if (key.equals(keys.type()) || key.equals(keys.name()) || key.equals(keys.podUid())) {
        return true;
      }
    }
    return false;
  }
}

package dev.cgroupns.testbed.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Tells which of libcni's cached results ({@code /var/lib/cni/results/<network>-<container
 * id>-<interface>}, shared by every CNI user on the host) are a node's. A result is the node's when
 * it is of the node's own network, names one of its containers, or was made for a network namespace
 * under the node's directory (containerd keeps them there, {@code netns_mounts_under_state_dir}).
 * The last rule finds the results of sandboxes that containerd had already forgotten when the node
 * stopped, as happens when it is stopped while tearing a pod down.
 */
final class CniResultCache {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Far above a result's size; a larger file is not one, and is left alone. */
  private static final long MAX_RESULT_BYTES = 1 << 20;

  private CniResultCache() {}

  static boolean isTheNodes(Path result, String network, List<String> containerIds, Path nodeDir) {
    String name = result.getFileName().toString();
    if (name.startsWith(network + "-")
        || containerIds.stream().anyMatch(id -> name.contains("-" + id + "-"))) {
      return true;
    }
    Path dir = nodeDir.toAbsolutePath().normalize();
    return netns(result).map(ns -> Path.of(ns).normalize().startsWith(dir)).orElse(false);
  }

  /** The network namespace a cached result was made for, if the file says. */
  static Optional<String> netns(Path result) {
    try {
      if (!Files.isRegularFile(result) || Files.size(result) > MAX_RESULT_BYTES) {
        return Optional.empty();
      }
      return netnsOf(Files.readString(result));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static Optional<String> netnsOf(String json) {
    try {
      JsonNode netns = JSON.readTree(json).path("netns");
      return netns.isTextual() && netns.asText().startsWith("/")
          ? Optional.of(netns.asText())
          : Optional.empty();
    } catch (IOException e) {
      // Not ours to judge: another CNI user's file that is not JSON stays.
      return Optional.empty();
    }
  }
}

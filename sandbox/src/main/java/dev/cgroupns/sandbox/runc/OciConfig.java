package dev.cgroupns.sandbox.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Turns runc's default OCI config ({@code runc spec}) into a demo pod's container: a long sleep as
 * its process, the kubelet-style cgroupsPath, the host cgroup namespace, and the host's whole
 * /sys/fs/cgroup bound in read-write, as a privileged pod sees it on a node where the runtime adds
 * no cgroup namespace. That is the exposure isolation removes, so the demo shows a real change.
 */
public final class OciConfig {

  private static final String CGROUPFS = "/sys/fs/cgroup";

  private OciConfig() {}

  public static ObjectNode demoContainer(
      JsonNode runcDefault, String cgroupsPath, String hostname) {
    if (!cgroupsPath.matches("(/[A-Za-z0-9_.:-]+)+") || cgroupsPath.contains("/..")) {
      throw new IllegalArgumentException("bad cgroupsPath: " + cgroupsPath);
    }
    ObjectNode config = ((ObjectNode) runcDefault).deepCopy();
    ObjectNode process = (ObjectNode) config.get("process");
    process.put("terminal", false);
    ArrayNode args = process.putArray("args");
    List.of("sleep", "2147483647").forEach(args::add);
    config.put("hostname", hostname);
    ((ObjectNode) config.get("root")).put("readonly", false);
    ObjectNode linux = (ObjectNode) config.get("linux");
    linux.put("cgroupsPath", cgroupsPath);
    ArrayNode namespaces = (ArrayNode) linux.get("namespaces");
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      if ("cgroup".equals(namespaces.get(i).path("type").asText())) {
        namespaces.remove(i);
      }
    }
    ArrayNode mounts = (ArrayNode) config.get("mounts");
    for (int i = mounts.size() - 1; i >= 0; i--) {
      if (CGROUPFS.equals(mounts.get(i).path("destination").asText())) {
        mounts.remove(i);
      }
    }
    ObjectNode hostCgroupfs = mounts.addObject();
    hostCgroupfs.put("destination", CGROUPFS).put("type", "bind").put("source", CGROUPFS);
    hostCgroupfs.putArray("options").add("rbind").add("rw");
    return config;
  }
}

package dev.cgroupns.testbed.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Turns runc's default OCI config ({@code runc spec}) into a pod's container as a {@link
 * ContainerSpec} describes it: a long sleep as its process, the kubelet-style cgroupsPath, and the
 * cgroup namespace and cgroupfs mount the spec asks for.
 */
public final class OciConfig {

  private static final String CGROUPFS = "/sys/fs/cgroup";

  private OciConfig() {}

  /** A changed copy of {@code runcDefault}; the input is left as it was. */
  public static ObjectNode forContainer(
      JsonNode runcDefault, ContainerSpec spec, String cgroupsPath, String hostname) {
    return forContainer(runcDefault, spec, cgroupsPath, hostname, List.of());
  }

  /**
   * As {@link #forContainer(JsonNode, ContainerSpec, String, String)}, with {@code cgroup2Flags}
   * (see {@link Cgroup2Flags}) added to the options of runc's own cgroupfs mount; runc hands
   * options it does not know as flags to the filesystem, and ignores them on v1, where it makes a
   * tmpfs.
   */
  public static ObjectNode forContainer(
      JsonNode runcDefault,
      ContainerSpec spec,
      String cgroupsPath,
      String hostname,
      List<String> cgroup2Flags) {
    if (!cgroupsPath.matches("(/[A-Za-z0-9_.:-]+)+") || cgroupsPath.contains("/..")) {
      throw new IllegalArgumentException("bad cgroupsPath: " + cgroupsPath);
    }
    ObjectNode config = ((ObjectNode) runcDefault).deepCopy();
    ObjectNode process = (ObjectNode) config.get("process");
    process.put("terminal", false);
    process.putArray("args").add("sleep").add("2147483647");
    config.put("hostname", hostname);
    ((ObjectNode) config.get("root")).put("readonly", false);
    ObjectNode linux = (ObjectNode) config.get("linux");
    linux.put("cgroupsPath", cgroupsPath);
    if (spec.sharedPropagation()) {
      linux.put("rootfsPropagation", "rshared");
    }
    setCgroupNamespace((ArrayNode) linux.get("namespaces"), spec.cgroupNamespace());
    setCgroupfsMount((ArrayNode) config.get("mounts"), spec, cgroup2Flags);
    return config;
  }

  /** Whether runc's default has a cgroup namespace depends on its version: decide explicitly. */
  private static void setCgroupNamespace(ArrayNode namespaces, boolean wanted) {
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      if ("cgroup".equals(namespaces.get(i).path("type").asText())) {
        namespaces.remove(i);
      }
    }
    if (wanted) {
      namespaces.addObject().put("type", "cgroup");
    }
  }

  private static void setCgroupfsMount(
      ArrayNode mounts, ContainerSpec spec, List<String> cgroup2Flags) {
    for (int i = mounts.size() - 1; i >= 0; i--) {
      JsonNode mount = mounts.get(i);
      if (!CGROUPFS.equals(mount.path("destination").asText())) {
        continue;
      }
      if (spec.hostCgroupfs()) {
        mounts.remove(i);
        continue;
      }
      ArrayNode options = (ArrayNode) mount.get("options");
      cgroup2Flags.forEach(options::add);
      if (spec.writableCgroupMount()) {
        for (int j = options.size() - 1; j >= 0; j--) {
          if (options.get(j).asText().equals("ro")) {
            options.remove(j);
          }
        }
      }
    }
    if (spec.hostCgroupfs()) {
      ObjectNode bind = mounts.addObject();
      bind.put("destination", CGROUPFS).put("type", "bind").put("source", CGROUPFS);
      bind.putArray("options").add("rbind").add("rw");
    }
  }
}

package dev.cgroupns.testbed.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.testbed.image.ImageArchive;
import java.util.List;
import java.util.Map;

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

  /** Who runs a container made from an image, as the project's manifests run it. */
  public enum ImageRole {
    /** runc's default confinement (the operator runs with fewer rights than that). */
    WORKLOAD,
    /**
     * As the agent's DaemonSet runs it: privileged (every capability the host's root holds, nothing
     * masked), in the host's PID and cgroup namespaces, with the host's cgroupfs at
     * /host/sys/fs/cgroup.
     */
    NODE_AGENT,
    /**
     * As the operator's Deployment runs it: the image's own (non-root) user, no capabilities, no
     * new privileges; on the host's network, which stands in for the cluster's, as on a node
     * without kube-proxy that reaches the API on loopback.
     */
    OPERATOR_ON_HOST_NETWORK
  }

  /** Where the agent's DaemonSet mounts the host's cgroup hierarchies. */
  public static final String HOST_CGROUPFS_IN_AGENT = "/host/sys/fs/cgroup";

  /** Linux's capabilities by number (CAP_CHOWN is 0). */
  private static final List<String> ALL_CAPABILITIES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_DAC_READ_SEARCH",
          "CAP_FOWNER",
          "CAP_FSETID",
          "CAP_KILL",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETPCAP",
          "CAP_LINUX_IMMUTABLE",
          "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST",
          "CAP_NET_ADMIN",
          "CAP_NET_RAW",
          "CAP_IPC_LOCK",
          "CAP_IPC_OWNER",
          "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO",
          "CAP_SYS_CHROOT",
          "CAP_SYS_PTRACE",
          "CAP_SYS_PACCT",
          "CAP_SYS_ADMIN",
          "CAP_SYS_BOOT",
          "CAP_SYS_NICE",
          "CAP_SYS_RESOURCE",
          "CAP_SYS_TIME",
          "CAP_SYS_TTY_CONFIG",
          "CAP_MKNOD",
          "CAP_LEASE",
          "CAP_AUDIT_WRITE",
          "CAP_AUDIT_CONTROL",
          "CAP_SETFCAP",
          "CAP_MAC_OVERRIDE",
          "CAP_MAC_ADMIN",
          "CAP_SYSLOG",
          "CAP_WAKE_ALARM",
          "CAP_BLOCK_SUSPEND",
          "CAP_AUDIT_READ",
          "CAP_PERFMON",
          "CAP_BPF",
          "CAP_CHECKPOINT_RESTORE");

  /**
   * A changed copy of {@code runcDefault} that runs {@code command} of an image unpacked into the
   * bundle's rootfs: the image's environment (then {@code extraEnv}, as a pod spec's env), user and
   * working directory, a read-only root filesystem with a private /tmp (the manifests'
   * readOnlyRootFilesystem and tmp emptyDir), and the rights {@code role} gives.
   *
   * @param hostCapabilities the bounding set of this process (CapBnd of /proc/self/status): a
   *     privileged container gets those, as runc cannot grant more than it holds
   */
  public static ObjectNode forImage(
      JsonNode runcDefault,
      ImageArchive.ImageConfig image,
      List<String> command,
      Map<String, String> extraEnv,
      String cgroupsPath,
      String hostname,
      ImageRole role,
      long hostCapabilities) {
    ObjectNode config = forContainer(runcDefault, ContainerSpec.plain(), cgroupsPath, hostname);
    ObjectNode process = (ObjectNode) config.get("process");
    ArrayNode args = process.putArray("args");
    command.forEach(args::add);
    ArrayNode env = process.putArray("env");
    image.env().forEach(env::add);
    extraEnv.forEach((k, v) -> env.add(k + "=" + v));
    process.put("cwd", image.workingDir().isEmpty() ? "/" : image.workingDir());
    ObjectNode user = process.putObject("user");
    String[] ids = image.user().isEmpty() ? new String[] {"0", "0"} : image.user().split(":");
    if (ids.length != 2 || !ids[0].matches("[0-9]+") || !ids[1].matches("[0-9]+")) {
      throw new IllegalArgumentException("image user is not numeric uid:gid: " + image.user());
    }
    user.put("uid", Integer.parseInt(ids[0])).put("gid", Integer.parseInt(ids[1]));
    ((ObjectNode) config.get("root")).put("readonly", true);
    ArrayNode mounts = (ArrayNode) config.get("mounts");
    ObjectNode tmp = mounts.addObject();
    tmp.put("destination", "/tmp").put("type", "tmpfs").put("source", "tmpfs");
    tmp.putArray("options").add("nosuid").add("nodev").add("mode=1777").add("size=64m");
    if (role == ImageRole.OPERATOR_ON_HOST_NETWORK) {
      process.put("noNewPrivileges", true);
      process.remove("capabilities");
      removeNamespace((ArrayNode) ((ObjectNode) config.get("linux")).get("namespaces"), "network");
    }
    if (role == ImageRole.NODE_AGENT) {
      ObjectNode caps =
          process.get("capabilities") instanceof ObjectNode c
              ? c
              : process.putObject("capabilities");
      for (String set : List.of("bounding", "effective", "permitted")) {
        ArrayNode list = caps.putArray(set);
        capabilities(hostCapabilities).forEach(list::add);
      }
      ObjectNode linux = (ObjectNode) config.get("linux");
      linux.remove("maskedPaths");
      linux.remove("readonlyPaths");
      removeNamespace((ArrayNode) linux.get("namespaces"), "pid");
      ObjectNode cgroupfs = mounts.addObject();
      cgroupfs.put("destination", HOST_CGROUPFS_IN_AGENT).put("type", "bind");
      cgroupfs.put("source", CGROUPFS).putArray("options").add("rbind").add("rw");
    }
    return config;
  }

  private static void removeNamespace(ArrayNode namespaces, String type) {
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      if (type.equals(namespaces.get(i).path("type").asText())) {
        namespaces.remove(i);
      }
    }
  }

  /** The names of the capabilities whose bits are set in {@code mask}. */
  static List<String> capabilities(long mask) {
    List<String> names = new java.util.ArrayList<>();
    for (int bit = 0; bit < ALL_CAPABILITIES.size(); bit++) {
      if ((mask & (1L << bit)) != 0) {
        names.add(ALL_CAPABILITIES.get(bit));
      }
    }
    return names;
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

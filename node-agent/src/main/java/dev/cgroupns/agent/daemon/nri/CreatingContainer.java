package dev.cgroupns.agent.daemon.nri;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container being created, as the runtime's CreateContainer request describes it: what a decision
 * at creation can know without asking anyone. Nothing here comes from the API server.
 *
 * @param namespace the pod's namespace
 * @param podName the pod's name
 * @param podUid the pod's UID
 * @param labels the pod's labels
 * @param annotations the pod's annotations
 * @param containerName the container's name in the pod spec
 * @param mounts the container's mounts as the runtime means to give them (OCI spec order)
 */
public record CreatingContainer(
    String namespace,
    String podName,
    String podUid,
    Map<String, String> labels,
    Map<String, String> annotations,
    String containerName,
    List<OciMount> mounts) {

  public CreatingContainer {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
  }

  /** One mount of an OCI runtime spec. */
  public record OciMount(String destination, String type, String source, List<String> options) {
    public OciMount {
      Objects.requireNonNull(destination, "destination");
      type = type == null ? "" : type;
      source = source == null ? "" : source;
      options = options == null ? List.of() : List.copyOf(options);
    }

    /** A cgroup filesystem, of either version (the runtime's own mount at /sys/fs/cgroup). */
    boolean isCgroupfs() {
      return type.equals("cgroup") || type.equals("cgroup2");
    }

    /** A bind mount: the kubelet gives hostPath volumes as type "bind" with a bind option. */
    boolean isBind() {
      return type.equals("bind") || options.contains("bind") || options.contains("rbind");
    }

    boolean readOnly() {
      return options.contains("ro");
    }
  }
}

package dev.cgroupns.agent.discovery;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a container in a cgroup path, the way the kubelet and the runtimes name cgroups:
 *
 * <pre>
 * cgroupfs  .../kubepods[/burstable|/besteffort]/pod&lt;uid&gt;/&lt;leaf&gt;
 * systemd   .../[P-]kubepods.slice[/[P-]kubepods-burstable.slice]/[P-]kubepods[-burstable]-pod&lt;u_id&gt;.slice/&lt;leaf&gt;
 * leaves    &lt;id&gt;, cri-containerd-&lt;id&gt;.scope, crio-&lt;id&gt;[.scope], docker-&lt;id&gt;.scope
 * plain     /docker/&lt;id&gt;, /system.slice/docker-&lt;id&gt;.scope, /machine.slice/libpod-&lt;id&gt;.scope
 * </pre>
 *
 * The pattern may start anywhere in the path, because the kubelet's cgroup root is configurable
 * (and tests nest everything below their own cgroup). The FIRST match from the top wins: a
 * container that can create sub-cgroups could name one like another container, and what lies below
 * its own leaf (crun's "/container" among others) still belongs to it. CRI-O's
 * "crio-conmon-&lt;id&gt;" is the monitor, not the container, and is not recognised. Never throws.
 */
public final class KubeletCgroupNames {
  private static final String ID = "([0-9a-f]{64})";
  private static final Pattern BARE_ID = Pattern.compile(ID);
  private static final Pattern CONTAINERD_SCOPE =
      Pattern.compile("cri-containerd-" + ID + "\\.scope");
  private static final Pattern CRIO = Pattern.compile("crio-" + ID + "(?:\\.scope)?");
  private static final Pattern DOCKER_SCOPE = Pattern.compile("docker-" + ID + "\\.scope");
  private static final Pattern LIBPOD_SCOPE = Pattern.compile("libpod-" + ID + "\\.scope");

  private static final Pattern CGROUPFS_POD =
      Pattern.compile("pod([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  /** Group 1: the slice prefix of a custom cgroup root ("kubelet-"), 2: QoS, 3: u_id. */
  private static final Pattern SYSTEMD_POD =
      Pattern.compile(
          "((?:[A-Za-z0-9:_.\\\\]+-)*)kubepods(?:-(burstable|besteffort))?-pod"
              + "([0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12})\\.slice");

  /** The shortest path that can name a container: "/" plus a 64-digit ID. */
  private static final int MIN_LENGTH = 65;

  private KubeletCgroupNames() {}

  public static Optional<ContainerCgroup> parse(String cgroupPath) {
    if (cgroupPath == null
        || cgroupPath.length() < MIN_LENGTH
        || cgroupPath.length() > 4096
        || !cgroupPath.startsWith("/")) {
      return Optional.empty();
    }
    List<String> segments = List.of(cgroupPath.substring(1).split("/", -1));
    for (int i = 1; i < segments.size(); i++) {
      Optional<ContainerCgroup> found = containerAt(segments, i);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** A container whose leaf is segments[leaf], if that and its ancestors fit a known layout. */
  private static Optional<ContainerCgroup> containerAt(List<String> segments, int leaf) {
    String name = segments.get(leaf);
    if (name.length() < 64) {
      return Optional.empty();
    }
    String parent = segments.get(leaf - 1);
    String podPath = join(segments, leaf);
    String containerPath = join(segments, leaf + 1);

    Leaf found = leaf(name);
    if (found == null) {
      return Optional.empty();
    }

    Optional<Pod> pod = podAt(segments, leaf - 1);
    if (pod.isPresent()) {
      return Optional.of(
          new ContainerCgroup(
              Optional.of(pod.get().uid()),
              found.id(),
              pod.get().driver(),
              Optional.of(pod.get().qos()),
              found.runtime(),
              podPath,
              containerPath));
    }
    return plainContainer(name, parent, found)
        .map(
            driver ->
                new ContainerCgroup(
                    Optional.empty(),
                    found.id(),
                    driver,
                    Optional.empty(),
                    plainRuntime(name, found),
                    podPath,
                    containerPath));
  }

  /** The container ID and runtime of a leaf name, or null when it names no container. */
  private static Leaf leaf(String name) {
    Matcher m;
    if ((m = BARE_ID.matcher(name)).matches()) {
      return new Leaf(m.group(1), ContainerRuntime.UNKNOWN);
    }
    if ((m = CONTAINERD_SCOPE.matcher(name)).matches()) {
      return new Leaf(m.group(1), ContainerRuntime.CONTAINERD);
    }
    if ((m = CRIO.matcher(name)).matches()) {
      return new Leaf(m.group(1), ContainerRuntime.CRIO);
    }
    if ((m = DOCKER_SCOPE.matcher(name)).matches()) {
      return new Leaf(m.group(1), ContainerRuntime.DOCKER);
    }
    if ((m = LIBPOD_SCOPE.matcher(name)).matches()) {
      return new Leaf(m.group(1), ContainerRuntime.UNKNOWN);
    }
    return null;
  }

  /** Containers outside Kubernetes: docker with either driver, podman under systemd. */
  private static Optional<CgroupDriver> plainContainer(String name, String parent, Leaf leaf) {
    if (parent.equals("docker") && BARE_ID.matcher(name).matches()) {
      return Optional.of(CgroupDriver.CGROUPFS);
    }
    if (parent.equals("system.slice") && leaf.runtime() == ContainerRuntime.DOCKER) {
      return Optional.of(CgroupDriver.SYSTEMD);
    }
    if (parent.equals("machine.slice") && LIBPOD_SCOPE.matcher(name).matches()) {
      return Optional.of(CgroupDriver.SYSTEMD);
    }
    return Optional.empty();
  }

  private static ContainerRuntime plainRuntime(String name, Leaf leaf) {
    return BARE_ID.matcher(name).matches() ? ContainerRuntime.DOCKER : leaf.runtime();
  }

  private static Optional<Pod> podAt(List<String> segments, int index) {
    if (index < 1) {
      return Optional.empty();
    }
    String name = segments.get(index);
    String parent = segments.get(index - 1);
    Matcher m = CGROUPFS_POD.matcher(name);
    if (m.matches()) {
      QosClass qos;
      if (parent.equals("kubepods")) {
        qos = QosClass.GUARANTEED;
      } else if (index >= 2 && segments.get(index - 2).equals("kubepods")) {
        qos =
            switch (parent) {
              case "burstable" -> QosClass.BURSTABLE;
              case "besteffort" -> QosClass.BEST_EFFORT;
              default -> null;
            };
      } else {
        qos = null;
      }
      return qos == null
          ? Optional.empty()
          : Optional.of(new Pod(m.group(1), qos, CgroupDriver.CGROUPFS));
    }
    m = SYSTEMD_POD.matcher(name);
    if (m.matches()) {
      String prefix = m.group(1);
      String qosName = m.group(2);
      String top = prefix + "kubepods.slice";
      boolean layoutFits;
      QosClass qos;
      if (qosName == null) {
        qos = QosClass.GUARANTEED;
        layoutFits = parent.equals(top);
      } else {
        qos = qosName.equals("burstable") ? QosClass.BURSTABLE : QosClass.BEST_EFFORT;
        layoutFits =
            parent.equals(prefix + "kubepods-" + qosName + ".slice")
                && index >= 2
                && segments.get(index - 2).equals(top);
      }
      return layoutFits
          ? Optional.of(new Pod(m.group(3).replace('_', '-'), qos, CgroupDriver.SYSTEMD))
          : Optional.empty();
    }
    return Optional.empty();
  }

  private static String join(List<String> segments, int count) {
    return "/" + String.join("/", segments.subList(0, count));
  }

  private record Leaf(String id, ContainerRuntime runtime) {}

  private record Pod(String uid, QosClass qos, CgroupDriver driver) {}
}

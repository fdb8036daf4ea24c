package dev.cgroupns.e2e.faults;

import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import dev.cgroupns.sandbox.demo.ContainerViewReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pods' cgroup mounts, read inside each container from its own mountinfo. */
final class Mounts {

  private Mounts() {}

  static List<CgroupMount> of(E2eCluster cluster, E2ePod pod) {
    return ContainerViewReader.cgroupMounts(
        cluster.exec(pod, "cat", "/proc/self/mountinfo").lines().toList());
  }

  static Map<String, List<CgroupMount>> of(E2eCluster cluster, List<E2ePod> pods) {
    Map<String, List<CgroupMount>> byPod = new LinkedHashMap<>();
    pods.forEach(p -> byPod.put(p.name(), of(cluster, p)));
    return byPod;
  }

  /**
   * The pod's state, read from the host through its init's /proc entry: no process is started, so
   * it can be polled every millisecond.
   */
  static MountState stateOnHost(E2ePod pod, Map<String, List<CgroupMount>> original) {
    try {
      List<String> lines =
          Files.readAllLines(
              Path.of("/proc", Integer.toString(pod.container().pid()), "mountinfo"));
      return MountState.of(
          original.get(pod.name()), ContainerViewReader.cgroupMounts(lines), pod.cgroupPath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Each pod's state against the mounts it started with. */
  static Map<String, MountState> states(
      E2eCluster cluster, List<E2ePod> pods, Map<String, List<CgroupMount>> original) {
    Map<String, MountState> states = new LinkedHashMap<>();
    for (E2ePod pod : pods) {
      states.put(
          pod.name(), MountState.of(original.get(pod.name()), of(cluster, pod), pod.cgroupPath()));
    }
    return states;
  }
}

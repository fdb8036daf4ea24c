package dev.cgroupns.testbed.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Refuses to start a node on a machine whose kubelet cgroups are somebody else's. The harness owns
 * {@code /kubepods} while its node runs, and its cleanup kills every process left in it: on a
 * machine that is itself a Kubernetes node, that would be the node's real pods. Checked after the
 * harness has swept what its own dead runs left, so whatever kubelet cgroups remain are not ours.
 */
public final class ForeignKubelet {
  /** The kubelet's top cgroup under the cgroupfs driver, and under the systemd driver. */
  static final List<String> TOP_CGROUPS = List.of("kubepods", "kubepods.slice");

  private ForeignKubelet() {}

  /**
   * The first kubelet top cgroup in {@code hierarchies}, if any: on a machine whose own dead runs
   * have been swept, somebody else's (a kubelet of the machine, or a node of another run that is
   * still alive).
   */
  public static Optional<Path> find(List<Path> hierarchies) {
    for (Path hierarchy : hierarchies) {
      for (String top : TOP_CGROUPS) {
        Path cgroup = hierarchy.resolve(top);
        if (Files.isDirectory(cgroup)) {
          return Optional.of(cgroup);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * @param hierarchies the mounted cgroup hierarchies (each controller's, or the unified one)
   * @throws IllegalStateException naming the cgroup found, and what to do instead
   */
  static void refuseIfPresent(List<Path> hierarchies) {
    Optional<Path> cgroup = find(hierarchies);
    if (cgroup.isPresent()) {
      throw new IllegalStateException(
          cgroup.get()
              + " exists and no earlier run of this harness made it: this machine looks like"
              + " a Kubernetes node already (a kubelet of its own, or of kind or k3s), or another"
              + " run's node is still up. The real-node tests take over /kubepods and kill what"
              + " is left in it when they stop; run them on a machine or VM that is not a node.");
    }
  }
}

package dev.cgroupns.sandbox.cluster;

import dev.cgroupns.testbed.cluster.KubeBinaries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Kubernetes binaries the sandbox's control plane runs: the ones already built (or named by
 * {@code KUBEBUILDER_ASSETS}), else built here once. The sandbox is the first command on a fresh
 * machine, so it does this set-up itself rather than send the user to another command first.
 */
public final class ControlPlaneBinaries {

  /** What the sandbox runs: the whole control plane, and kubectl for the user. */
  public static final List<String> COMPONENTS = KubeBinaries.CONTROL_PLANE;

  /** Said before a build starts: what happens, how long it takes, that it happens once. */
  static String building(List<String> components) {
    return "the Kubernetes binaries are not all built yet: building what is missing of "
        + String.join(", ", components)
        + " from their official Go modules, once (about 10 minutes on 2 cores for all of them;"
        + " cached for every later run)";
  }

  private ControlPlaneBinaries() {}

  /** Every component, when a directory holds them all; nothing is built. */
  public static Optional<KubeBinaries> find(Path checkout) {
    return KubeBinaries.find(checkout, COMPONENTS).binaries();
  }

  /**
   * The binaries, built first when missing: {@code progress} gets one line saying so, then the
   * build's own progress lines.
   *
   * @param withNode also the node's binaries ({@link KubeBinaries#NODE}), for real kubelet pods
   */
  public static KubeBinaries findOrBuild(
      Path checkout, boolean withNode, Consumer<String> progress) {
    List<String> components = new ArrayList<>(COMPONENTS);
    if (withNode) {
      components.addAll(KubeBinaries.NODE);
    }
    Optional<KubeBinaries> found = KubeBinaries.find(checkout, components).binaries();
    if (found.isPresent()) {
      return found.get();
    }
    progress.accept(building(components));
    // The script checks every component it was asked for, KUBEBUILDER_ASSETS's included.
    return KubeBinaries.build(checkout, components, line -> progress.accept("  " + line.strip()));
  }
}

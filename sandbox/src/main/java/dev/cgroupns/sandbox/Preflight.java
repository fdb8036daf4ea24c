package dev.cgroupns.sandbox;

import dev.cgroupns.sandbox.cluster.ControlPlaneBinaries;
import dev.cgroupns.testbed.cluster.KubeBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before anything is started, what the full sandbox needs from this machine, and says for
 * each missing piece exactly what to do.
 */
public final class Preflight {

  /**
   * What the checks look at.
   *
   * @param uid the real uid of this process
   * @param runc the runc binary found, if any
   * @param busybox true when /bin/busybox exists (containers' root filesystem)
   * @param cgroupfs true when cgroup hierarchies are mounted under /sys/fs/cgroup
   * @param repository the project checkout (must contain crds/ and manifests/samples/)
   * @param kubeBinaries true when every binary of the local control plane is there
   * @param kubebuilderAssets the directory KUBEBUILDER_ASSETS names, if set
   * @param go true when Go is on PATH (to build the binaries)
   * @param cniPlugins true when Debian's CNI plugins are there (the real node's pod network)
   * @param gcc true when gcc is on PATH (it builds the real node's pause program)
   * @param nodeBinaries true when the node's binaries (kubelet, containerd, its shim, ctr) are
   *     built
   */
  public record Facts(
      int uid,
      Optional<Path> runc,
      boolean busybox,
      boolean cgroupfs,
      Path repository,
      boolean kubeBinaries,
      Optional<Path> kubebuilderAssets,
      boolean go,
      boolean cniPlugins,
      boolean gcc,
      boolean nodeBinaries) {

    public static Facts ofThisMachine(Path repository) {
      String assets = System.getenv("KUBEBUILDER_ASSETS");
      return new Facts(
          currentUid(),
          findRunc(),
          Files.isExecutable(Path.of("/bin/busybox")),
          hasCgroupfs(),
          repository,
          hasKubeBinaries(repository),
          assets == null || assets.isEmpty() ? Optional.empty() : Optional.of(Path.of(assets)),
          onPath("go").isPresent(),
          Files.isExecutable(CNI_BRIDGE),
          onPath("gcc").isPresent(),
          hasNodeBinaries(repository));
    }
  }

  private static final Path CNI_BRIDGE = Path.of("/usr/lib/cni/bridge");

  private Preflight() {}

  /**
   * What runs the demo pods, and why: the kind asked for, or for {@link PodsKind#AUTO} real kubelet
   * pods when this machine has what a node needs (after the other checks passed), else runc
   * containers.
   */
  public record PodsChoice(PodsKind kind, String why) {}

  public static PodsChoice choosePods(Facts facts, PodsKind requested, boolean localControlPlane) {
    if (requested == PodsKind.RUNC) {
      return new PodsChoice(PodsKind.RUNC, "--pods-kind runc");
    }
    if (!localControlPlane) {
      return new PodsChoice(
          PodsKind.RUNC, "on another cluster the sandbox starts no node of its own");
    }
    List<String> missing = nodeProblems(facts);
    if (missing.isEmpty()) {
      return new PodsChoice(
          PodsKind.KUBELET,
          requested == PodsKind.KUBELET ? "--pods-kind kubelet" : "this machine can run a node");
    }
    // Only AUTO gets here with something missing: problems() refuses KUBELET first.
    return new PodsChoice(
        PodsKind.RUNC,
        "a real node here needs what is missing: "
            + String.join("; ", missing)
            + " (--pods-kind kubelet insists)");
  }

  /** What a real node of the sandbox needs beyond the runc containers' needs. */
  private static List<String> nodeProblems(Facts facts) {
    List<String> problems = new ArrayList<>();
    if (!facts.cniPlugins()) {
      problems.add(
          "the CNI plugins are not at "
              + CNI_BRIDGE.getParent()
              + " (the pods' network): bin/setup installs them (containernetworking-plugins)");
    }
    if (!facts.gcc()) {
      problems.add(
          "gcc is not on PATH (it builds the node's pause program): bin/setup installs it");
    }
    if (!facts.nodeBinaries() && facts.kubebuilderAssets().isPresent()) {
      // The sandbox runs what that directory holds and builds nothing into it.
      problems.add(
          "KUBEBUILDER_ASSETS="
              + facts.kubebuilderAssets().get()
              + " has no node binaries ("
              + String.join(", ", KubeBinaries.NODE)
              + "): add them of the same release, or unset it");
    } else if (!facts.nodeBinaries() && !facts.go()) {
      problems.add(
          "the node's binaries ("
              + String.join(", ", KubeBinaries.NODE)
              + ") are not built, and building them needs Go, which is not on PATH: install Go"
              + " 1.26 or newer (https://go.dev/dl/), or run "
              + KubeBinaries.buildCommand(KubeBinaries.NODE)
              + " where Go is");
    }
    return problems;
  }

  /**
   * Problems with their remedies; empty when the sandbox can run.
   *
   * @param apiOnly only the API server is wanted (no containers)
   * @param localControlPlane the sandbox runs its own control plane (not another cluster's)
   */
  public static List<String> problems(
      Facts facts, boolean apiOnly, boolean localControlPlane, PodsKind podsKind) {
    List<String> problems = new ArrayList<>();
    if (!Files.isDirectory(facts.repository().resolve("crds"))) {
      problems.add(
          "no crds/ directory in "
              + facts.repository()
              + ": run from the project checkout, or pass --repository <checkout>");
    }
    if (localControlPlane) {
      kubeBinariesProblem(facts).ifPresent(problems::add);
    }
    if (apiOnly) {
      return problems;
    }
    if (facts.uid() != 0) {
      problems.add(
          "not running as root (uid "
              + facts.uid()
              + "): the sandbox creates containers, cgroups and mounts. Run it as root:"
              + " sudo sandbox/bin/sandbox   (or add --api-only for just the Kubernetes control"
              + " plane and kubectl, which needs no root)");
    }
    if (facts.runc().isEmpty()) {
      problems.add(
          "runc is not installed: bin/setup installs it (or prints the command for this machine)");
    }
    if (!facts.busybox()) {
      problems.add(
          "busybox is not at /bin/busybox (the demo containers' root filesystem): bin/setup"
              + " installs it (or prints the command for this machine)");
    }
    if (!facts.cgroupfs()) {
      problems.add(
          "no cgroup hierarchy is mounted under /sys/fs/cgroup: the sandbox needs Linux cgroups");
    }
    if (podsKind == PodsKind.KUBELET) {
      nodeProblems(facts).forEach(p -> problems.add(p + " (or use --pods-kind runc)"));
    }
    return problems;
  }

  /**
   * Missing binaries are built at the start when Go is there; without Go, or when
   * KUBEBUILDER_ASSETS points at an incomplete set, the sandbox cannot have its control plane.
   */
  private static Optional<String> kubeBinariesProblem(Facts facts) {
    if (facts.kubeBinaries()) {
      return Optional.empty();
    }
    String components = String.join(", ", ControlPlaneBinaries.COMPONENTS);
    if (facts.kubebuilderAssets().isPresent()) {
      return Optional.of(
          "KUBEBUILDER_ASSETS="
              + facts.kubebuilderAssets().get()
              + " does not hold the whole control plane the sandbox runs ("
              + components
              + ", of one Kubernetes release; setup-envtest's assets have only three of them):"
              + " point it at such a directory, or unset it and the sandbox builds them (needs"
              + " Go)");
    }
    if (!facts.go()) {
      return Optional.of(
          "the Kubernetes binaries ("
              + components
              + ") are not built yet, and building them needs Go, which is not on PATH: install"
              + " Go 1.26 or newer (https://go.dev/dl/) and run again, and the sandbox builds them"
              + " once (about 10 minutes); or set KUBEBUILDER_ASSETS to a directory that holds"
              + " them");
    }
    return Optional.empty();
  }

  /** runc at its Debian path, else the first on PATH. */
  public static Optional<Path> findRunc() {
    Path standard = Path.of("/usr/sbin/runc");
    if (Files.isExecutable(standard)) {
      return Optional.of(standard);
    }
    return onPath("runc");
  }

  /** The first executable {@code name} in a directory of PATH. */
  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean hasKubeBinaries(Path repository) {
    try {
      return ControlPlaneBinaries.find(repository).isPresent();
    } catch (IllegalStateException notACheckout) {
      // Reported as the missing crds/ directory.
      return false;
    }
  }

  private static boolean hasNodeBinaries(Path repository) {
    try {
      return KubeBinaries.find(repository, KubeBinaries.NODE).binaries().isPresent();
    } catch (IllegalStateException notACheckout) {
      return false;
    }
  }

  private static boolean hasCgroupfs() {
    Path root = Path.of("/sys/fs/cgroup");
    if (Files.isRegularFile(root.resolve("cgroup.procs"))) {
      return true;
    }
    try (var entries = Files.list(root)) {
      return entries.anyMatch(p -> Files.isRegularFile(p.resolve("cgroup.procs")));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static int currentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}

package dev.cgroupns.testbed.node;

import dev.cgroupns.testbed.cluster.KubeBinaries;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.precondition.Precondition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real node for tests, on the control plane of this JVM. What it needs from the machine (root,
 * runc, the CNI plugins, gcc, busybox, the node's binaries) is checked first: skipped with the
 * reason outside CI, a failure with {@code CI=true}.
 */
public final class TestNodes {

  private TestNodes() {}

  /** Starts a node; the caller closes it. */
  public static RealNode start() {
    return start(NriValidation.NONE);
  }

  /**
   * Starts a node whose containerd validates NRI adjustments as {@code validation} says; the caller
   * closes it.
   */
  public static RealNode start(NriValidation validation) {
    KubeBinaries binaries = requireMachine();
    LocalControlPlane plane = TestClusters.controlPlane();
    RealNode node =
        RealNode.start(
            plane,
            binaries,
            Path.of(System.getProperty("java.io.tmpdir")),
            RealNode.DEFAULT_CACHE,
            validation,
            System.out::println);
    // A test interrupted (Ctrl-C) before its own close: the node goes with the JVM, as the control
    // plane does. Closing twice does nothing.
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "real-node-stop"));
    return node;
  }

  /**
   * Checks that this machine can run a node (root, runc, the CNI plugins, gcc, busybox, the node's
   * binaries), as a test that starts one elsewhere (another process) needs to know first.
   *
   * @return the node's binaries
   */
  public static KubeBinaries requireMachine() {
    Precondition.require(isRoot(), "needs root (uid 0) to run containerd and the kubelet");
    for (Path needed :
        List.of(RealNode.RUNC, RealNode.CNI_PLUGINS.resolve("bridge"), RealNode.BUSYBOX)) {
      Precondition.require(
          Files.isExecutable(needed), "needs " + needed + " (bin/setup installs it)");
    }
    Precondition.require(onPath("gcc"), "needs gcc (with a static libc) to build the pause image");
    KubeBinaries.Lookup lookup = KubeBinaries.find(TestClusters.checkout(), KubeBinaries.NODE);
    if (lookup.binaries().isEmpty()) {
      throw Precondition.unmet("needs the node's binaries: " + lookup.whyMissing());
    }
    return lookup.binaries().get();
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:"))
          .anyMatch(l -> l.split("\\s+")[1].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean onPath(String name) {
    return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, name)));
  }
}

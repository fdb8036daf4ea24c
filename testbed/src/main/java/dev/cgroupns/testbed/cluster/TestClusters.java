package dev.cgroupns.testbed.cluster;

import dev.cgroupns.testbed.kube.ProjectCrds;
import dev.cgroupns.testbed.precondition.Precondition;
import java.nio.file.Path;

/**
 * The real control plane for tests: the one of this JVM, started on first use. Without the
 * Kubernetes binaries a test is skipped outside CI and fails in CI, with the command that builds
 * them.
 */
public final class TestClusters {

  private TestClusters() {}

  public static LocalControlPlane controlPlane() {
    KubeBinaries.Lookup lookup = KubeBinaries.find(checkout(), KubeBinaries.CONTROL_PLANE);
    if (lookup.binaries().isEmpty()) {
      throw Precondition.unmet("needs the Kubernetes binaries: " + lookup.whyMissing());
    }
    return LocalControlPlane.shared(lookup.binaries().get(), line -> System.out.println(line));
  }

  /** The root of the checkout (the directory that holds crds/ and testbed/). */
  public static Path checkout() {
    return ProjectCrds.directory().getParent();
  }
}

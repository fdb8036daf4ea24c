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

  private static LocalControlPlane projectInstalledIn;

  /**
   * The control plane of this JVM with manifests/base installed (without the workloads), once:
   * every test that needs the project's CRDs, RBAC and policy shares that install.
   */
  public static synchronized LocalControlPlane withProject() {
    LocalControlPlane plane = controlPlane();
    if (projectInstalledIn != plane) {
      ProjectInstall.installBase(plane, checkout());
      projectInstalledIn = plane;
    }
    return plane;
  }

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

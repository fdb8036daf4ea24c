package dev.cgroupns.testbed.kube;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's generated CRDs, in crds/ at the root of the checkout. */
public final class ProjectCrds {

  private ProjectCrds() {}

  /**
   * The crds/ directory, found from the working directory upwards: Maven runs each module's tests
   * in the module's directory, an IDE often in the checkout's root.
   */
  public static Path directory() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("crds"))) {
        return dir.resolve("crds");
      }
    }
    throw new IllegalStateException("no crds/ directory in " + start + " or above");
  }
}

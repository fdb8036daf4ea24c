package dev.cgroupns.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The rendering tests need kubectl (it carries kustomize). Every machine of this project has it;
 * outside CI its absence skips the tests with the reason, under {@code CI=true} it fails them.
 */
final class KubectlRequirement {

  private KubectlRequirement() {}

  static Path kubectl() {
    Optional<Path> found = onPath("kubectl");
    if (found.isPresent()) {
      return found.get();
    }
    String reason = "needs kubectl on PATH (it renders the kustomizations)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("Required in CI (CI=true) but not met: " + reason);
    }
    Assumptions.abort("Skipped outside CI: " + reason);
    throw new AssertionError("unreachable");
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Optional.of(Path.of(dir, name));
      }
    }
    return Optional.empty();
  }
}

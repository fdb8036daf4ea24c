package dev.cgroupns.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root, found upwards from the working directory (module or root). */
final class Repository {
  private Repository() {}

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null
        && !(Files.isDirectory(dir.resolve("crds"))
            && Files.isDirectory(dir.resolve("manifests")))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no repository root (crds/ and manifests/) above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}

package dev.cgroupns.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the deployment files live, found from the module directory the tests run in. */
final class RepositoryLayout {

  private RepositoryLayout() {}

  /** The repository root: the nearest ancestor holding both manifests/ and crds/. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("manifests")) && Files.isDirectory(d.resolve("crds"))) {
        return d;
      }
    }
    throw new IllegalStateException("no repository root with manifests/ and crds/ above " + dir);
  }

  static Path manifests() {
    return root().resolve("manifests");
  }

  static Path base() {
    return manifests().resolve("base");
  }

  /** The base and every overlay: each is a kustomization a user may apply as it is. */
  static List<Path> kustomizations() {
    List<Path> all = new ArrayList<>();
    all.add(base());
    Path overlays = manifests().resolve("overlays");
    try (Stream<Path> dirs = Files.list(overlays)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
          .sorted()
          .forEach(all::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** The sample CgroupIsolations users copy from. */
  static List<Path> samples() {
    Path samples = manifests().resolve("samples");
    try (Stream<Path> files = Files.list(samples)) {
      return files
          .filter(
              f ->
                  f.toString().endsWith(".yaml")
                      && !f.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A name for test reports: the path relative to manifests/. */
  static String label(Path kustomization) {
    return manifests().relativize(kustomization).toString();
  }
}

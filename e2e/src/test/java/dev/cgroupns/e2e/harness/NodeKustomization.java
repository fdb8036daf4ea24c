package dev.cgroupns.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kustomization of one node's own: an overlay as it is, and the agent DaemonSet's {@code nri}
 * volume moved to where that node's runtime keeps its NRI socket. It is the one patch a user makes
 * whose runtime's socket is not in {@code /var/run/nri}, and it keeps a test's agent off any NRI
 * socket the host itself may have there.
 */
final class NodeKustomization {
  private NodeKustomization() {}

  /**
   * The kustomization.yaml text, naming {@code overlay} relative to {@code dir}, where it is
   * written: kustomize takes another kustomization by a relative path.
   */
  static String render(Path dir, Path overlay, Path nriDirectory) {
    String path = nriDirectory.toAbsolutePath().normalize().toString();
    if (!path.matches("[A-Za-z0-9._/-]+")) {
      throw new IllegalArgumentException("not a plain path for a hostPath volume: " + path);
    }
    return """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - %s
        patches:
          - patch: |-
              apiVersion: apps/v1
              kind: DaemonSet
              metadata:
                name: %s
                namespace: %s
              spec:
                template:
                  spec:
                    volumes:
                      - name: nri
                        hostPath:
                          path: %s
                          type: DirectoryOrCreate
        """
        .formatted(
            dir.toAbsolutePath().normalize().relativize(overlay.toAbsolutePath().normalize()),
            LocalOverlay.AGENT,
            LocalOverlay.SYSTEM,
            path);
  }

  /** Writes {@code dir/kustomization.yaml} and returns {@code dir}, for {@code kubectl -k}. */
  static Path write(Path dir, Path overlay, Path nriDirectory) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("kustomization.yaml"), render(dir, overlay, nriDirectory));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

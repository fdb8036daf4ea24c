package dev.cgroupns.sandbox.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a kubeconfig whose only context points at the embedded endpoint. */
public final class KubeconfigWriter {

  /** The cluster, user and context name in the written file. */
  public static final String CONTEXT = "cgroupns-sandbox";

  private KubeconfigWriter() {}

  /**
   * Writes {@code dir/kubeconfig} (mode 0600) for {@code serverUrl}, with namespace "default".
   *
   * @return the file written
   */
  public static Path write(Path dir, String serverUrl) {
    if (!serverUrl.matches("https?://127\\.0\\.0\\.1:\\d{1,5}")) {
      throw new IllegalArgumentException("not a local endpoint URL: " + serverUrl);
    }
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: default
        current-context: %1$s
        """
            .formatted(CONTEXT, serverUrl);
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("kubeconfig");
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

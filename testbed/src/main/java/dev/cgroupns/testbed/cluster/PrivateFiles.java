package dev.cgroupns.testbed.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only their owner may read: keys, certificates, kubeconfigs with credentials. */
final class PrivateFiles {

  private PrivateFiles() {}

  /**
   * Writes {@code content} to a new file of mode 0600 (replacing any file there), so the secret is
   * never readable by others, not even between creation and a chmod.
   */
  static Path write(Path file, String content) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

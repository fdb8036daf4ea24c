package dev.cgroupns.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's mount table at one moment, so that a kernel test can prove it left the host's mounts
 * exactly as they were (safety rule: the agent changes mounts only inside the container).
 */
public final class HostMountTable {
  private static final Path MOUNT_INFO = Path.of("/proc/self/mountinfo");

  private final byte[] before;

  private HostMountTable(byte[] before) {
    this.before = before;
  }

  public static HostMountTable snapshot() throws IOException {
    return new HostMountTable(Files.readAllBytes(MOUNT_INFO));
  }

  /** Fails unless /proc/self/mountinfo is byte-identical to the snapshot. */
  public void assertUnchanged() throws IOException {
    assertThat(Files.readAllBytes(MOUNT_INFO))
        .as("the host's mountinfo is byte-identical")
        .isEqualTo(before);
  }
}

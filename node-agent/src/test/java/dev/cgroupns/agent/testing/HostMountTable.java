package dev.cgroupns.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

  /**
   * Fails unless /proc/self/mountinfo is byte-identical to the snapshot; the message names the
   * lines that appeared and vanished, so that a failure says which mount changed.
   */
  public void assertUnchanged() throws IOException {
    byte[] now = Files.readAllBytes(MOUNT_INFO);
    assertThat(now)
        .as(
            () -> {
              List<String> was = lines(before);
              List<String> is = lines(now);
              List<String> added = new ArrayList<>(is);
              added.removeAll(was);
              List<String> removed = new ArrayList<>(was);
              removed.removeAll(is);
              return "the host's mountinfo is byte-identical; appeared: "
                  + added
                  + ", vanished: "
                  + removed;
            })
        .isEqualTo(before);
  }

  private static List<String> lines(byte[] mountInfo) {
    return List.of(new String(mountInfo, StandardCharsets.UTF_8).split("\n"));
  }
}

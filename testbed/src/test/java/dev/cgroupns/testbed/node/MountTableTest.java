package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {

  @Test
  void readsMountPointsWithTheirEscapesDecoded() {
    List<String> lines =
        List.of(
            "22 1 0:21 / / rw - ext4 /dev/vda rw",
            "90 22 0:50 / /tmp/node\\040one/state rw - tmpfs tmpfs rw",
            "91 22 0:4 net:[4026532] /tmp/node\\040one/state/netns/cni-1 rw - nsfs nsfs rw");
    assertThat(MountTable.parse(lines))
        .containsExactly(
            Path.of("/"),
            Path.of("/tmp/node one/state"),
            Path.of("/tmp/node one/state/netns/cni-1"));
  }
}

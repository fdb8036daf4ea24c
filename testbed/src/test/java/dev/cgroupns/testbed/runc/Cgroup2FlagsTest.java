package dev.cgroupns.testbed.runc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class Cgroup2FlagsTest {

  @Test
  void theHierarchyFlagsOfAPureV2HostAreTaken() {
    List<String> mountinfo =
        List.of(
            "29 1 0:24 / / rw,relatime - overlay overlay rw",
            "32 31 0:28 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot");

    assertThat(Cgroup2Flags.parse(mountinfo)).containsExactly("nsdelegate", "memory_recursiveprot");
  }

  @Test
  void aHybridHostHasNone() {
    List<String> mountinfo =
        List.of(
            "30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755",
            "31 30 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate",
            "32 30 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory");

    assertThat(Cgroup2Flags.parse(mountinfo)).isEmpty();
  }
}

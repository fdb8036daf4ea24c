package dev.cgroupns.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountStateTest {
  private static final String OWN = "/test/kubepods/besteffort/pod1/abc";
  private static final List<CgroupMount> ORIGINAL =
      List.of(
          new CgroupMount("/sys/fs/cgroup/memory", "/", "cgroup", "rw"),
          new CgroupMount("/sys/fs/cgroup/unified", "/", "cgroup2", "rw"));

  @Test
  void originalIsolatedAndEverythingInBetween() {
    List<CgroupMount> isolated =
        List.of(
            new CgroupMount("/sys/fs/cgroup/memory", OWN, "cgroup", "ro"),
            new CgroupMount("/sys/fs/cgroup/unified", OWN, "cgroup2", "ro"));
    assertThat(MountState.of(ORIGINAL, ORIGINAL, OWN)).isEqualTo(MountState.ORIGINAL);
    assertThat(MountState.of(ORIGINAL, List.of(ORIGINAL.get(1), ORIGINAL.get(0)), OWN))
        .isEqualTo(MountState.ORIGINAL);
    assertThat(MountState.of(ORIGINAL, isolated, OWN)).isEqualTo(MountState.ISOLATED);
    // One hierarchy swapped, the other not.
    assertThat(MountState.of(ORIGINAL, List.of(isolated.get(0), ORIGINAL.get(1)), OWN))
        .isEqualTo(MountState.PARTIAL);
    // A mount point lost between detaching the old mount and moving the new one there.
    assertThat(MountState.of(ORIGINAL, List.of(isolated.get(0)), OWN))
        .isEqualTo(MountState.PARTIAL);
    // Rooted at the right cgroup but writable.
    assertThat(
            MountState.of(
                ORIGINAL,
                List.of(
                    isolated.get(0),
                    new CgroupMount("/sys/fs/cgroup/unified", OWN, "cgroup2", "rw")),
                OWN))
        .isEqualTo(MountState.PARTIAL);
    // Another container's cgroup.
    assertThat(MountState.of(ORIGINAL, isolated, "/test/kubepods/besteffort/pod2/def"))
        .isEqualTo(MountState.PARTIAL);
  }
}

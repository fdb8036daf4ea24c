package dev.cgroupns.agent.testing;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import java.nio.file.Path;

/**
 * The cgroup layout of the machine a kernel test runs on, for the expectations that differ between
 * a v1 or hybrid host (runc gives a container without a cgroup namespace a tmpfs with bind mounts
 * of its own cgroups) and a pure v2 host (runc mounts cgroup2 itself there: the whole tree).
 */
public final class HostLayout {

  private HostLayout() {}

  public static CgroupLayout detect() {
    return CgroupLayout.detect(ProcFs.host(), null);
  }

  /** cgroup2 mounted at /sys/fs/cgroup and no v1 hierarchy, as on most nodes today. */
  public static boolean pureV2() {
    return detect().version() == CgroupVersion.V2;
  }

  /** Where the host mounts its cgroup2 hierarchy: /sys/fs/cgroup/unified on hybrid hosts. */
  public static Path cgroup2MountPoint() {
    return Path.of(detect().unified().orElseThrow().mountPoint());
  }
}

package dev.cgroupns.agent.inspect;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import dev.cgroupns.api.v1alpha1.MountState;
import java.util.List;

/**
 * What a container sees, as the kernel renders it for the container's own cgroup namespace.
 *
 * @param process the container process that was inspected
 * @param namespace whose cgroup namespace it is in
 * @param cgroupNamespaceInode the inode of its cgroup namespace (0 when unknown)
 * @param seenCgroups its /proc/self/cgroup lines as it reads them
 * @param hostCgroups the same lines as the agent reads them (host paths when the agent runs in the
 *     host's cgroup namespace)
 * @param mounts its cgroupfs mounts, as it sees them
 */
public record ContainerInspection(
    ProcessIdentity process,
    CgroupNamespace namespace,
    long cgroupNamespaceInode,
    List<CgroupLine> seenCgroups,
    List<CgroupLine> hostCgroups,
    List<CgroupMountView> mounts) {

  public ContainerInspection {
    seenCgroups = List.copyOf(seenCgroups);
    hostCgroups = List.copyOf(hostCgroups);
    mounts = List.copyOf(mounts);
  }

  /** ReadOnly, ReadWrite, Mixed, or None when it has no cgroupfs mount. */
  public MountState mountState() {
    if (mounts.isEmpty()) {
      return MountState.None;
    }
    long readOnly = mounts.stream().filter(CgroupMountView::readOnly).count();
    if (readOnly == mounts.size()) {
      return MountState.ReadOnly;
    }
    return readOnly == 0 ? MountState.ReadWrite : MountState.Mixed;
  }

  /** True when any cgroupfs mount shows cgroups that are not the container's own. */
  public boolean exposesMore() {
    return mounts.stream().anyMatch(CgroupMountView::exposesMore);
  }

  /** V1, V2 or Hybrid, from the hierarchies the container belongs to. */
  public CgroupVersion cgroupVersion() {
    boolean v2 = seenCgroups.stream().anyMatch(CgroupLine::isV2);
    boolean v1 = seenCgroups.stream().anyMatch(line -> !line.isV2());
    if (v1 && v2) {
      return CgroupVersion.Hybrid;
    }
    return v2 ? CgroupVersion.V2 : CgroupVersion.V1;
  }
}

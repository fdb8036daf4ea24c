package dev.cgroupns.agent.inspect;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pure analysis of what a container sees: pairs each of its cgroupfs mounts with its own cgroup in
 * that hierarchy and tells whether the mount shows only its own subtree.
 *
 * <p>Both inputs must be rendered for the same reader, the container's cgroup namespace: then the
 * comparison is right whether the namespace is private (own cgroup "/") or the host's (own cgroup
 * "/kubepods/..."), without knowing which.
 */
public final class ViewAnalyzer {
  private ViewAnalyzer() {}

  public static ContainerInspection analyze(
      ProcessIdentity process,
      CgroupNamespace namespace,
      long namespaceInode,
      List<CgroupLine> seenCgroups,
      List<CgroupLine> hostCgroups,
      List<MountInfoEntry> seenMounts) {
    List<CgroupMountView> mounts = new ArrayList<>();
    for (MountInfoEntry mount : seenMounts) {
      if (!mount.isCgroup()) {
        continue;
      }
      Optional<CgroupLine> own = ownLine(mount, seenCgroups);
      String ownPath = own.map(CgroupLine::path).orElse(null);
      CgroupRelation relation = ownPath == null ? null : relationOrNull(mount.root(), ownPath);
      mounts.add(
          new CgroupMountView(
              mount.mountId(),
              mount.mountPoint(),
              mount.isCgroupV2(),
              hierarchyName(mount),
              mount.root(),
              ownPath,
              mount.readOnly(),
              relation));
    }
    return new ContainerInspection(
        process, namespace, namespaceInode, seenCgroups, hostCgroups, mounts);
  }

  /** The /proc/PID/cgroup line of the hierarchy a cgroupfs mount belongs to. */
  public static Optional<CgroupLine> ownLine(MountInfoEntry mount, List<CgroupLine> lines) {
    if (mount.isCgroupV2()) {
      return lines.stream().filter(CgroupLine::isV2).findFirst();
    }
    Set<String> controllers = mount.cgroupV1Controllers();
    return lines.stream()
        .filter(line -> !line.isV2() && Set.copyOf(line.controllers()).equals(controllers))
        .findFirst();
  }

  /** "cpu,cpuacct" or "name=systemd" for v1 (sorted), "" for v2. */
  public static String hierarchyName(MountInfoEntry mount) {
    return mount.isCgroupV2()
        ? ""
        : String.join(",", mount.cgroupV1Controllers().stream().sorted().toList());
  }

  private static CgroupRelation relationOrNull(String root, String own) {
    try {
      return CgroupRelation.of(root, own);
    } catch (IllegalArgumentException e) {
      return null; // a root that is not a cgroup path (e.g. "//deleted" garbage): unknown
    }
  }
}

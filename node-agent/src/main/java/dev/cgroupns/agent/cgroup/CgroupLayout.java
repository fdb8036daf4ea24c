package dev.cgroupns.agent.cgroup;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup hierarchies of this node, each with the mount through which the agent reaches it.
 *
 * <p>A v1 hierarchy is matched to its mount by its controller set: /proc/self/cgroup gives the
 * hierarchy ID with the controllers ("4:cpu,cpuacct:/"), the cgroup mount's superblock options give
 * the same controllers. The v2 hierarchy is ID 0 and the cgroup2 mount.
 */
public final class CgroupLayout {
  /** Where cgroupfs is mounted on a normal host. */
  public static final Path DEFAULT_CGROUPFS_ROOT = Path.of("/sys/fs/cgroup");

  private final List<Hierarchy> hierarchies;

  private CgroupLayout(List<Hierarchy> hierarchies) {
    this.hierarchies = List.copyOf(hierarchies);
  }

  /**
   * Builds the layout from the agent's own mounts and /proc/self/cgroup lines (pure).
   *
   * <p>When a hierarchy is mounted more than once, the mount whose root is highest in the tree is
   * used (a root of "/" beats a bind mount of a sub-cgroup; "/.." beats "/"), first in mount order
   * on a tie: it reaches the most cgroups.
   *
   * @throws IllegalStateException when no cgroup hierarchy is mounted at all
   */
  public static CgroupLayout of(
      List<MountInfoEntry> agentMounts, List<CgroupLine> agentOwnCgroups) {
    List<Hierarchy> found = new ArrayList<>();
    for (CgroupLine line : agentOwnCgroups) {
      bestMount(agentMounts, line)
          .ifPresent(
              mount ->
                  found.add(
                      new Hierarchy(
                          line.hierarchyId(),
                          line.isV2(),
                          Set.copyOf(line.controllers()),
                          mount.mountPoint(),
                          mount.root(),
                          mount.superOptions())));
    }
    if (found.isEmpty()) {
      throw new IllegalStateException(
          "no cgroup hierarchy is mounted: none of the "
              + agentOwnCgroups.size()
              + " hierarchies in /proc/self/cgroup has a matching cgroup mount");
    }
    found.sort(Comparator.comparingInt(Hierarchy::hierarchyId));
    return new CgroupLayout(found);
  }

  /**
   * Reads the agent's own /proc/self/mountinfo and /proc/self/cgroup. Only cgroup mounts at or
   * below {@code cgroupfsRoot} are used (e.g. /host/sys/fs/cgroup in the DaemonSet, so that mounts
   * of the agent's own container do not count); null means {@link #DEFAULT_CGROUPFS_ROOT}.
   */
  public static CgroupLayout detect(ProcFs procFs, Path cgroupfsRoot) {
    Path base = (cgroupfsRoot == null ? DEFAULT_CGROUPFS_ROOT : cgroupfsRoot).normalize();
    List<MountInfoEntry> mounts =
        procFs.selfCgroupMounts().entries().stream()
            .filter(MountInfoEntry::isCgroup)
            .filter(m -> Path.of(m.mountPoint()).normalize().startsWith(base))
            .toList();
    try {
      return of(mounts, procFs.selfCgroups().lines());
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + " under " + base, e);
    }
  }

  /** V1, V2 or Hybrid (v1 hierarchies plus a v2 one). */
  public CgroupVersion version() {
    boolean v1 = hierarchies.stream().anyMatch(h -> !h.v2());
    boolean v2 = hierarchies.stream().anyMatch(Hierarchy::v2);
    if (v1 && v2) {
      return CgroupVersion.Hybrid;
    }
    return v2 ? CgroupVersion.V2 : CgroupVersion.V1;
  }

  /** The mounted hierarchies, ordered by hierarchy ID (v2, ID 0, first). */
  public List<Hierarchy> hierarchies() {
    return hierarchies;
  }

  /** The v2 hierarchy, when mounted. */
  public Optional<Hierarchy> unified() {
    return hierarchies.stream().filter(Hierarchy::v2).findFirst();
  }

  /**
   * The hierarchy of a line of some process's /proc/PID/cgroup. The controllers must match too, so
   * a hierarchy ID reused after an unmount is not confused with the old one.
   */
  public Optional<Hierarchy> forLine(CgroupLine line) {
    Set<String> controllers = Set.copyOf(line.controllers());
    return hierarchies.stream()
        .filter(h -> h.hierarchyId() == line.hierarchyId())
        .filter(h -> h.v2() == line.isV2() && h.controllers().equals(controllers))
        .findFirst();
  }

  /**
   * The directory of a cgroup through the agent's mount of its hierarchy. {@code cgroupPath} is the
   * path as the agent reads it in /proc/PID/cgroup (relative to the agent's cgroup namespace, so it
   * may start with "/.." segments, exactly like the mount root).
   *
   * @throws CgroupPathException when the path is malformed (empty, "." or ".." segments after a
   *     name, control characters, NUL, too long) or lies outside the mount's root
   */
  public Path directoryOf(Hierarchy h, String cgroupPathAsReadByAgent) {
    List<String> path = CgroupPathSyntax.segments(cgroupPathAsReadByAgent, true);
    List<String> root = CgroupPathSyntax.segments(h.mountRoot(), true);
    if (path.size() < root.size() || !path.subList(0, root.size()).equals(root)) {
      throw new CgroupPathException(
          "cgroup "
              + CgroupPathSyntax.quote(cgroupPathAsReadByAgent)
              + " is outside the "
              + h.displayName()
              + " mount at "
              + h.mountPoint()
              + " (its root is "
              + h.mountRoot()
              + ")");
    }
    List<String> below = path.subList(root.size(), path.size());
    if (below.contains("..")) {
      throw new CgroupPathException(
          "cgroup " + CgroupPathSyntax.quote(cgroupPathAsReadByAgent) + " climbs out of its mount");
    }
    Path dir = Path.of(h.mountPoint());
    for (String segment : below) {
      dir = dir.resolve(segment);
    }
    return dir;
  }

  private static Optional<MountInfoEntry> bestMount(List<MountInfoEntry> mounts, CgroupLine line) {
    Set<String> controllers = Set.copyOf(line.controllers());
    return mounts.stream()
        .filter(m -> line.isV2() ? m.isCgroupV2() : m.isCgroupV1())
        .filter(m -> line.isV2() || m.cgroupV1Controllers().equals(controllers))
        .filter(m -> isValidRoot(m.root()))
        .min(Comparator.comparingInt(m -> height(m.root())));
  }

  private static boolean isValidRoot(String root) {
    try {
      CgroupPathSyntax.segments(root, true);
      return true;
    } catch (CgroupPathException e) {
      return false;
    }
  }

  /** Depth below the reader's namespace root: "/" is 0, "/a" is 1, "/.." is -1. */
  private static int height(String root) {
    int depth = 0;
    for (String segment : CgroupPathSyntax.segments(root, true)) {
      depth += segment.equals("..") ? -1 : 1;
    }
    return depth;
  }
}

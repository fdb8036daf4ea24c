package dev.cgroupns.agent.proc;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One line of /proc/PID/mountinfo, with {@link #root()} and {@link #mountPoint()} unescaped.
 *
 * <p>What the kernel writes, as read in fs/proc_namespace.c and fs/d_path.c:
 *
 * <ul>
 *   <li>The root (4th field) comes from the filesystem's show_path when it has one. For cgroupfs
 *       that is the mount's root cgroup rendered relative to the READER's cgroup namespace, so it
 *       can be {@code /..} or {@code /../../x} when the reader's namespace root lies below it.
 *   <li>Other filesystems print the dentry path; a dentry that was deleted after it was
 *       bind-mounted gets a {@code //deleted} suffix (see {@link #rootDeleted()}). nsfs roots look
 *       like {@code net:[4026531840]} and do not start with '/'.
 *   <li>The mount point (5th field) never carries a {@code (deleted)} suffix: the kernel skips the
 *       whole line when the mount point is unreachable from the reader's root. A mount point whose
 *       last directory is literally named "x (deleted)" is shown as such and kept as it is.
 * </ul>
 */
public record MountInfoEntry(
    int mountId,
    int parentId,
    String majorMinor,
    String root,
    String mountPoint,
    List<String> mountOptions,
    List<String> optionalFields,
    String fsType,
    String source,
    List<String> superOptions) {

  /** Superblock options of a v1 cgroup mount that are flags, not controller names. */
  private static final Set<String> V1_NON_CONTROLLER_OPTIONS =
      Set.of(
          "rw",
          "ro",
          "xattr",
          "noprefix",
          "clone_children",
          "cpuset_v2_mode",
          "favordynmods",
          "none",
          "all",
          "nsdelegate",
          "memory_localevents",
          "memory_recursiveprot",
          "memory_hugetlb_accounting",
          "pids_localevents");

  private static final String DELETED_ROOT_SUFFIX = "//deleted";

  public MountInfoEntry {
    mountOptions = List.copyOf(mountOptions);
    optionalFields = List.copyOf(optionalFields);
    superOptions = List.copyOf(superOptions);
  }

  /** True when this mount (not just its superblock) is read-only. */
  public boolean readOnly() {
    return mountOptions.contains("ro");
  }

  public boolean isCgroupV1() {
    return "cgroup".equals(fsType);
  }

  public boolean isCgroupV2() {
    return "cgroup2".equals(fsType);
  }

  public boolean isCgroup() {
    return isCgroupV1() || isCgroupV2();
  }

  /** The peer group of a shared mount ("shared:N"), empty when the mount is not shared. */
  public OptionalInt sharedPeerGroup() {
    return taggedNumber("shared:");
  }

  /** The peer group this mount receives propagation from ("master:N"), for slave mounts. */
  public OptionalInt masterPeerGroup() {
    return taggedNumber("master:");
  }

  public boolean isShared() {
    return sharedPeerGroup().isPresent();
  }

  /** True when the kernel marked the root as a deleted dentry ("//deleted" suffix). */
  public boolean rootDeleted() {
    return root.endsWith(DELETED_ROOT_SUFFIX);
  }

  /**
   * For a v1 cgroup mount: the controllers bound to its hierarchy plus "name=xxx" for a named
   * hierarchy, the same set /proc/PID/cgroup shows in its second field. Empty for other mounts.
   */
  public Set<String> cgroupV1Controllers() {
    if (!isCgroupV1()) {
      return Set.of();
    }
    Set<String> controllers = new LinkedHashSet<>();
    for (String option : superOptions) {
      if (option.startsWith("name=")) {
        controllers.add(option);
      } else if (!option.isEmpty()
          && !option.contains("=")
          && !V1_NON_CONTROLLER_OPTIONS.contains(option)) {
        controllers.add(option);
      }
    }
    return Set.copyOf(controllers);
  }

  private OptionalInt taggedNumber(String prefix) {
    for (String field : optionalFields) {
      if (field.startsWith(prefix)) {
        try {
          return OptionalInt.of(Integer.parseInt(field.substring(prefix.length())));
        } catch (NumberFormatException e) {
          return OptionalInt.empty();
        }
      }
    }
    return OptionalInt.empty();
  }
}

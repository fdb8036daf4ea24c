package dev.cgroupns.api.selection;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a host path exposes the host's cgroupfs: the operator reads hostPath volumes with it, the
 * agent the bind mounts of a container being created, so both call the same pods "host cgroupfs
 * pods".
 */
public final class HostCgroupfsPaths {
  public static final String HOST_CGROUPFS = "/sys/fs/cgroup";

  private HostCgroupfsPaths() {}

  /**
   * /sys/fs/cgroup itself, anything below it, or a directory above it (/, /sys, /sys/fs) that
   * contains it.
   */
  public static boolean exposesHostCgroupfs(String path) {
    String normalized = normalize(path);
    return !normalized.isEmpty()
        && (normalized.equals(HOST_CGROUPFS)
            || normalized.startsWith(HOST_CGROUPFS + "/")
            || normalized.equals("/")
            || HOST_CGROUPFS.startsWith(normalized + "/"));
  }

  /** Exactly /sys/fs/cgroup, however spelled. */
  public static boolean isHostCgroupfs(String path) {
    return normalize(path).equals(HOST_CGROUPFS);
  }

  /**
   * Collapses repeated and trailing slashes, "." and ".." segments, so "/sys//fs/./cgroup/" counts;
   * empty for an empty or null path.
   */
  public static String normalize(String path) {
    if (path == null || path.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
        continue;
      }
      parts.add(segment);
    }
    return "/" + String.join("/", parts);
  }
}

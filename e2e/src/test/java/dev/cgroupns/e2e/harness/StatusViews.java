package dev.cgroupns.e2e.harness;

import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.MountView;
import dev.cgroupns.sandbox.demo.ContainerView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts what an agent reports about a container's view and what the container shows when asked from
 * inside into one comparable shape, undoing the status's compaction (paths shared by every
 * hierarchy written once, mount points written as parent/{a,b}) independently of the agent's code.
 */
public final class StatusViews {

  /** One cgroup mount as the container sees it. */
  public record Mount(String root, boolean readOnly) {}

  private StatusViews() {}

  /**
   * Hierarchy (the controller field: "cpu,cpuacct", "name=systemd", "" for v2) to path, from the
   * lines of a /proc/self/cgroup.
   */
  public static Map<String, String> pathsByHierarchy(List<String> procSelfCgroup) {
    Map<String, String> paths = new LinkedHashMap<>();
    for (String line : procSelfCgroup) {
      String[] fields = line.split(":", 3);
      if (fields.length != 3) {
        throw new IllegalArgumentException("not a /proc/PID/cgroup line: " + line);
      }
      paths.put(fields[1], fields[2]);
    }
    return paths;
  }

  /**
   * Hierarchy to path, from a status's grouped paths; an entry without hierarchies stands for every
   * one of {@code hierarchies}.
   */
  public static Map<String, String> pathsByHierarchy(
      List<CgroupPaths> status, Iterable<String> hierarchies) {
    Map<String, String> paths = new LinkedHashMap<>();
    for (CgroupPaths group : status) {
      if (group.hierarchies == null) {
        hierarchies.forEach(h -> paths.put(h, group.path));
      } else {
        for (String h : group.hierarchies.split(";", -1)) {
          paths.put(h, group.path);
        }
      }
    }
    return paths;
  }

  /** Mount point to (root, read-only), from what the container's mountinfo shows. */
  public static Map<String, Mount> mounts(List<ContainerView.CgroupMount> seen) {
    Map<String, Mount> mounts = new LinkedHashMap<>();
    seen.forEach(m -> mounts.put(m.mountPoint(), new Mount(m.root(), "ro".equals(m.access()))));
    return mounts;
  }

  /** Mount point to (root, read-only), from a status's grouped mounts. */
  public static Map<String, Mount> mountsOfStatus(List<MountView> status) {
    Map<String, Mount> mounts = new LinkedHashMap<>();
    for (MountView group : status) {
      for (String mountPoint : expandMountPoints(group.mountPoints)) {
        mounts.put(mountPoint, new Mount(group.root, group.readOnly));
      }
    }
    return mounts;
  }

  /** "/a/{x,y},/b" to [/a/x, /a/y, /b]. */
  static List<String> expandMountPoints(String compact) {
    if (compact.endsWith("...")) {
      throw new IllegalArgumentException("a cut mount point list cannot be expanded: " + compact);
    }
    List<String> expanded = new ArrayList<>();
    for (String part : splitOutsideBraces(compact)) {
      int open = part.indexOf('{');
      if (open < 0) {
        expanded.add(part);
        continue;
      }
      if (!part.endsWith("}")) {
        throw new IllegalArgumentException("unbalanced braces in " + compact);
      }
      String parent = part.substring(0, open);
      for (String name : part.substring(open + 1, part.length() - 1).split(",")) {
        expanded.add(parent + name);
      }
    }
    return expanded;
  }

  private static List<String> splitOutsideBraces(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }
}

package dev.cgroupns.agent.inspect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes mount points compactly: "/sys/fs/cgroup/{cpu,memory},/other". */
public final class MountPointList {
  private MountPointList() {}

  /** Compacts, then cuts at {@code maxChars} with a trailing "..." when too long. */
  public static String compact(List<String> mountPoints, int maxChars) {
    Map<String, List<String>> byParent = new LinkedHashMap<>();
    for (String mountPoint : mountPoints) {
      int slash = mountPoint.lastIndexOf('/');
      String parent = slash <= 0 ? "" : mountPoint.substring(0, slash);
      String name = mountPoint.substring(slash + 1);
      if (slash < 0 || name.contains(",") || name.contains("{") || name.contains("}")) {
        byParent.computeIfAbsent(mountPoint, k -> new ArrayList<>());
        continue;
      }
      byParent.computeIfAbsent(parent + "/", k -> new ArrayList<>()).add(name);
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, List<String>> entry : byParent.entrySet()) {
      List<String> names = entry.getValue();
      if (names.isEmpty()) {
        parts.add(entry.getKey());
      } else if (names.size() == 1) {
        parts.add(entry.getKey() + names.get(0));
      } else {
        parts.add(entry.getKey() + "{" + String.join(",", names) + "}");
      }
    }
    String joined = String.join(",", parts);
    return joined.length() <= maxChars ? joined : joined.substring(0, maxChars - 3) + "...";
  }
}

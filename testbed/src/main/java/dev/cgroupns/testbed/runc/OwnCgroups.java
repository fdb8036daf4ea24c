package dev.cgroupns.testbed.runc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** This process's own cgroups, from the lines of /proc/self/cgroup. */
public final class OwnCgroups {

  private OwnCgroups() {}

  /**
   * The deepest own cgroup path, which must extend every other one: runc takes a single cgroupsPath
   * for all hierarchies, so one path must lie below this process in each of them.
   *
   * @param procSelfCgroupLines lines "ID:CONTROLLERS:PATH" of this process's /proc/self/cgroup
   * @throws IllegalStateException when the own cgroups do not nest into one another
   */
  public static String deepest(List<String> procSelfCgroupLines) {
    List<String> paths = new ArrayList<>();
    for (String line : procSelfCgroupLines) {
      if (line.isBlank()) {
        continue;
      }
      int second = line.indexOf(':', line.indexOf(':') + 1);
      String path = second < 0 ? "" : line.substring(second + 1).strip();
      if (!path.startsWith("/")) {
        throw new IllegalStateException("not a /proc/self/cgroup line: " + line);
      }
      paths.add(path);
    }
    if (paths.isEmpty()) {
      throw new IllegalStateException("no cgroup in /proc/self/cgroup: " + procSelfCgroupLines);
    }
    String deepest = paths.stream().max(Comparator.comparingInt(String::length)).orElseThrow();
    for (String own : paths) {
      String prefix = own.equals("/") ? "/" : own + "/";
      if (!(deepest + "/").startsWith(prefix)) {
        throw new IllegalStateException(
            "this process's cgroups do not nest (" + paths + "), so no single path lies below all");
      }
    }
    return deepest;
  }
}

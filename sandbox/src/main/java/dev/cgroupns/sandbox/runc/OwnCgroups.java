package dev.cgroupns.sandbox.runc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads this process's own cgroups from the lines of /proc/self/cgroup. */
public final class OwnCgroups {

  private OwnCgroups() {}

  /**
   * The deepest own cgroup path, which must extend every other one (a single path for runc to nest
   * under in all hierarchies).
   *
   * @throws IllegalStateException when the own cgroups do not nest into one another
   */
  public static String deepest(List<String> procSelfCgroupLines) {
    List<String> paths = new ArrayList<>();
    for (String line : procSelfCgroupLines) {
      if (line.isBlank()) {
        continue;
      }
      int first = line.indexOf(':');
      int second = first < 0 ? -1 : line.indexOf(':', first + 1);
      if (second < 0) {
        throw new IllegalStateException("unreadable /proc/self/cgroup line: " + line);
      }
      paths.add(line.substring(second + 1));
    }
    String deepest = paths.stream().max(Comparator.comparingInt(String::length)).orElse("/");
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

package dev.cgroupns.sandbox.runc;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import java.util.Comparator;
import java.util.List;

/** This process's own cgroups, from /proc/self/cgroup (parsed by the node agent's parser). */
public final class OwnCgroups {

  private OwnCgroups() {}

  /**
   * The deepest own cgroup path, which must extend every other one (a single path for runc to nest
   * under in all hierarchies).
   *
   * @param procSelfCgroupLines the lines of /proc/self/cgroup
   * @throws IllegalStateException when the own cgroups do not nest into one another
   */
  public static String deepest(List<String> procSelfCgroupLines) {
    List<String> paths =
        ProcCgroupParser.parse(String.join("\n", procSelfCgroupLines) + "\n").lines().stream()
            .map(CgroupLine::path)
            .toList();
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

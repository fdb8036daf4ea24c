package dev.cgroupns.sandbox.demo;

import java.util.List;
import java.util.Map;

/** Renders a container's before and after views for the terminal. */
public final class ViewReport {

  private ViewReport() {}

  public static String render(String title, ContainerView before, ContainerView after) {
    return render(title, before, after, Map.of());
  }

  /**
   * Renders the views with long strings shortened: each key of {@code abbreviations} (e.g. the
   * sandbox's cgroup root, a container ID) is printed as its value, and a legend says so.
   */
  public static String render(
      String title, ContainerView before, ContainerView after, Map<String, String> abbreviations) {
    StringBuilder body = new StringBuilder();
    section(body, "/proc/self/cgroup", before.procSelfCgroup(), after.procSelfCgroup());
    section(body, "cgroup mounts (mount point, root, type, access)", mounts(before), mounts(after));
    section(
        body,
        "ls /sys/fs/cgroup",
        List.of(String.join(" ", before.topLevel())),
        List.of(String.join(" ", after.topLevel())));
    section(
        body,
        "cgroup directories it can reach under /sys/fs/cgroup",
        List.of(Integer.toString(before.visibleCgroups())),
        List.of(Integer.toString(after.visibleCgroups())));
    section(body, "sample listing (find -maxdepth 2 -type d)", before.sample(), after.sample());
    String shortened = body.toString();
    StringBuilder out = new StringBuilder("=== ").append(title).append(" ===\n");
    for (Map.Entry<String, String> a : abbreviations.entrySet()) {
      out.append("(").append(a.getValue()).append(" = ").append(a.getKey()).append(")\n");
      shortened = shortened.replace(a.getKey(), a.getValue());
    }
    out.append(shortened);
    if (before.procSelfCgroup().equals(after.procSelfCgroup())) {
      out.append(
          "note: /proc/self/cgroup keeps host paths for processes started before isolation: no"
              + " process can be moved into a new cgroup namespace; the mounts are what changed.\n");
    }
    return out.toString();
  }

  private static List<String> mounts(ContainerView view) {
    return view.cgroupMounts().stream()
        .map(m -> m.mountPoint() + "  root=" + m.root() + "  " + m.type() + "  " + m.access())
        .toList();
  }

  private static void section(
      StringBuilder out, String name, List<String> before, List<String> after) {
    out.append("--- ").append(name).append('\n');
    out.append("  before:\n");
    before.forEach(l -> out.append("    ").append(l).append('\n'));
    out.append("  after:\n");
    after.forEach(l -> out.append("    ").append(l).append('\n'));
  }
}

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
    StringBuilder out = new StringBuilder();
    out.append("=== ").append(title).append(" ===\n");
    abbreviations.forEach(
        (full, shortName) ->
            out.append("(").append(shortName).append(" = ").append(full).append(")\n"));
    section(out, "/proc/self/cgroup", before.procSelfCgroup(), after.procSelfCgroup());
    section(out, "cgroup mounts (mount point, root, type, access)", mounts(before), mounts(after));
    section(
        out,
        "ls /sys/fs/cgroup",
        List.of(String.join(" ", before.topLevel())),
        List.of(String.join(" ", after.topLevel())));
    section(
        out,
        "cgroup directories it can reach under /sys/fs/cgroup",
        List.of(Integer.toString(before.visibleCgroups())),
        List.of(Integer.toString(after.visibleCgroups())));
    section(out, "sample listing (find -maxdepth 2 -type d)", before.sample(), after.sample());
    String text = out.toString();
    for (Map.Entry<String, String> a : abbreviations.entrySet()) {
      String legend = "(" + a.getValue() + " = " + a.getKey() + ")\n";
      int legendEnd = text.indexOf(legend) + legend.length();
      text =
          text.substring(0, legendEnd)
              + text.substring(legendEnd).replace(a.getKey(), a.getValue());
    }
    out.setLength(0);
    out.append(text);
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

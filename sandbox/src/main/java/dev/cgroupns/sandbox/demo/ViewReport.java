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
              + " process can be moved into a new cgroup namespace; the mounts are what changed."
              + " A container created after its isolation, on a runtime with NRI, gets a cgroup"
              + " namespace of its own at creation instead.\n");
    }
    return out.toString();
  }

  /**
   * Renders one view, with no before: what a container created after its isolation sees.
   *
   * @param cgroupNote what its /proc/self/cgroup means, after the section's name
   */
  public static String renderOne(String title, String cgroupNote, ContainerView view) {
    StringBuilder out = new StringBuilder("=== ").append(title).append(" ===\n");
    out.append("--- /proc/self/cgroup (").append(cgroupNote).append(")\n");
    view.procSelfCgroup().forEach(l -> out.append("    ").append(l).append('\n'));
    out.append("--- cgroup mounts (mount point, root, type, access)\n");
    mounts(view).forEach(l -> out.append("    ").append(l).append('\n'));
    out.append("--- cgroup directories it can reach under /sys/fs/cgroup\n");
    out.append("    ").append(view.visibleCgroups()).append('\n');
    return out.toString();
  }

  /**
   * What a container's /proc/self/cgroup says about how it was isolated: every line ends in {@code
   * :/} only inside a cgroup namespace of its own, which it can only have had from creation.
   */
  public static String atCreationNote(List<String> procSelfCgroup) {
    boolean ownNamespace =
        !procSelfCgroup.isEmpty() && procSelfCgroup.stream().allMatch(l -> l.endsWith(":/"));
    return ownNamespace
        ? "every line \"/\": isolated at creation, in a cgroup namespace of its own since its"
            + " first instruction"
        : "host paths: not isolated at creation (the runtime's NRI did not reach the agent);"
            + " the agent remounts it instead";
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

package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import java.util.List;

/** Text fixtures of a hybrid host (9 v1 hierarchies + cgroup2 at /sys/fs/cgroup/unified). */
final class PlanFixtures {
  static final String CONTAINER =
      "/kubepods/burstable/pod0b4f3e1c-1111-4222-8333-944455556666/"
          + "6c1f2a7e9b0d4c3f8a5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f00112";

  static final String[] V1 = {
    "1:cpu",
    "2:cpuacct",
    "3:cpuset",
    "4:memory",
    "5:devices",
    "6:freezer",
    "7:blkio",
    "8:pids",
    "9:name=systemd"
  };

  private PlanFixtures() {}

  /** The agent's layout: every hierarchy mounted at /sys/fs/cgroup/NAME with root "/". */
  static CgroupLayout hostLayout() {
    StringBuilder mounts = new StringBuilder("31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n");
    StringBuilder cgroups = new StringBuilder();
    for (String h : V1) {
      String controllers = h.substring(2);
      String dir = controllers.startsWith("name=") ? controllers.substring(5) : controllers;
      int id = Integer.parseInt(h.substring(0, 1));
      mounts
          .append(31 + id)
          .append(" 31 0:")
          .append(28 + id)
          .append(" / /sys/fs/cgroup/")
          .append(dir)
          .append(" rw,relatime - cgroup cgroup rw,")
          .append(controllers)
          .append('\n');
      cgroups.append(h).append(":/\n");
    }
    mounts.append("41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
    cgroups.append("0::/\n");
    return CgroupLayout.of(
        parse(mounts.toString()), ProcCgroupParser.parse(cgroups.toString()).lines());
  }

  /** The container's /proc/PID/cgroup, as the agent (host namespace) reads it. */
  static List<CgroupLine> containerCgroups() {
    StringBuilder cgroups = new StringBuilder();
    for (String h : V1) {
      cgroups.append(h).append(':').append(CONTAINER).append('\n');
    }
    cgroups.append("0::").append(CONTAINER).append('\n');
    return ProcCgroupParser.parse(cgroups.toString()).lines();
  }

  /**
   * A container mountinfo with a tmpfs at /sys/fs/cgroup (ID 100, optional fields given) and one
   * cgroup mount per hierarchy with the given root and options (IDs 101.., v2 last).
   */
  static List<MountInfoEntry> containerMounts(String root, String options, String tmpfsOptional) {
    StringBuilder text =
        new StringBuilder("90 80 0:50 / / rw,relatime - overlay overlay rw\n")
            .append("100 90 0:28 / /sys/fs/cgroup rw,relatime ")
            .append(tmpfsOptional.isEmpty() ? "" : tmpfsOptional + " ")
            .append("- tmpfs tmpfs rw\n");
    int id = 101;
    for (String h : V1) {
      String controllers = h.substring(2);
      String dir = controllers.startsWith("name=") ? controllers.substring(5) : controllers;
      text.append(id++)
          .append(" 100 0:")
          .append(id)
          .append(' ')
          .append(root)
          .append(" /sys/fs/cgroup/")
          .append(dir)
          .append(' ')
          .append(options)
          .append(" - cgroup cgroup rw,")
          .append(controllers)
          .append('\n');
    }
    text.append(id)
        .append(" 100 0:38 ")
        .append(root)
        .append(" /sys/fs/cgroup/unified ")
        .append(options)
        .append(" - cgroup2 cgroup2 rw\n");
    return parse(text.toString());
  }

  static List<MountInfoEntry> parse(String mountinfo) {
    return MountInfoParser.parse(mountinfo).entries();
  }
}

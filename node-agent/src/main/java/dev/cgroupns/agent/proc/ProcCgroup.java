package dev.cgroupns.agent.proc;

import java.util.List;
import java.util.Optional;

/** A parsed /proc/PID/cgroup file and the lines that were rejected (bounded, truncated). */
public record ProcCgroup(List<CgroupLine> lines, List<String> rejectedLines) {
  public ProcCgroup {
    lines = List.copyOf(lines);
    rejectedLines = List.copyOf(rejectedLines);
  }

  /** The v2 line ("0::/path"), if the unified hierarchy is present. */
  public Optional<CgroupLine> v2() {
    return lines.stream().filter(CgroupLine::isV2).findFirst();
  }

  /** The line of one hierarchy ID. */
  public Optional<CgroupLine> hierarchy(int hierarchyId) {
    return lines.stream().filter(l -> l.hierarchyId() == hierarchyId).findFirst();
  }
}

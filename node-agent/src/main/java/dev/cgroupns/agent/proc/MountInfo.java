package dev.cgroupns.agent.proc;

import java.util.List;

/**
 * A parsed mountinfo file: the entries kept (all of them when parsed from a string; the cgroupfs
 * mounts, and those around them, when the agent reads a container's), in kernel order, and the
 * lines that could not be parsed (at most {@link MountInfoParser#MAX_REJECTED_REPORTED}, each
 * truncated) so callers can report them instead of silently trusting a partial view.
 */
public record MountInfo(List<MountInfoEntry> entries, List<String> rejectedLines) {
  public MountInfo {
    entries = List.copyOf(entries);
    rejectedLines = List.copyOf(rejectedLines);
  }

  /** The cgroup (v1 and v2) mounts, in kernel order. */
  public List<MountInfoEntry> cgroupMounts() {
    return entries.stream().filter(MountInfoEntry::isCgroup).toList();
  }
}

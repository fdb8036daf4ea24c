package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.cgroup.CgroupPathException;
import dev.cgroupns.agent.cgroup.CgroupPathSyntax;
import dev.cgroupns.agent.isolate.RevertRecord.RecordedMount;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pure: whether a revert record read from disk has the shape of one the agent writes. The records
 * live in a root-only directory, but a revert acts on what they say inside a container's mount
 * namespace, so a record is checked as any other input before it is trusted: bounded counts, mount
 * points that are plain absolute paths, roots that are cgroup paths as the kernel renders them, and
 * controller and option names of the kernel's alphabet.
 */
final class RevertRecordCheck {
  /** Far above the dozen or so cgroupfs mounts a container has. */
  static final int MAX_MOUNTS = 256;

  static final int MAX_NAMES = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,:=+-]{1,256}");

  private RevertRecordCheck() {}

  /** What is wrong with the record; empty when nothing is. */
  static List<String> problems(RevertRecord record) {
    List<String> problems = new ArrayList<>();
    if (record.mounts().size() > MAX_MOUNTS) {
      problems.add(record.mounts().size() + " mounts (at most " + MAX_MOUNTS + ")");
      return problems;
    }
    Set<String> mountPoints = new HashSet<>();
    for (RecordedMount mount : record.mounts()) {
      String where = mount.mountPoint() == null ? "a mount" : quoted(mount.mountPoint());
      mountPointProblem(mount.mountPoint()).ifPresent(p -> problems.add(where + ": " + p));
      if (mount.mountPoint() != null && !mountPoints.add(mount.mountPoint())) {
        problems.add(where + ": recorded twice");
      }
      rootProblem(mount.originalRoot())
          .ifPresent(p -> problems.add(where + ": original root " + p));
      rootProblem(mount.isolatedRoot())
          .ifPresent(p -> problems.add(where + ": isolated root " + p));
      namesProblem(mount.controllers()).ifPresent(p -> problems.add(where + ": controllers " + p));
      namesProblem(mount.originalOptions()).ifPresent(p -> problems.add(where + ": options " + p));
      if (mount.v2() != mount.controllers().isEmpty()) {
        problems.add(where + ": a cgroup2 mount has no controllers, a v1 mount has some");
      }
    }
    return problems;
  }

  /** A mount point as the kernel shows it: absolute, no empty, "." or ".." segment, not "/". */
  private static Optional<String> mountPointProblem(String mountPoint) {
    if (mountPoint == null || mountPoint.equals("/")) {
      return Optional.of("not a mount point the agent replaces");
    }
    try {
      CgroupPathSyntax.segments(mountPoint, false);
      return Optional.empty();
    } catch (CgroupPathException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static Optional<String> rootProblem(String root) {
    try {
      CgroupPathSyntax.segments(root, true);
      return Optional.empty();
    } catch (CgroupPathException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static Optional<String> namesProblem(List<String> names) {
    if (names.size() > MAX_NAMES) {
      return Optional.of(names.size() + " entries (at most " + MAX_NAMES + ")");
    }
    for (String name : names) {
      if (name == null || !NAME.matcher(name).matches()) {
        return Optional.of("has an entry outside the kernel's alphabet");
      }
    }
    return Optional.empty();
  }

  private static String quoted(String text) {
    String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}

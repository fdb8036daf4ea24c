package dev.cgroupns.testbed.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where this machine's cgroup hierarchies are mounted: the cgroup and cgroup2 mounts of
 * /proc/self/mountinfo under /sys/fs/cgroup, so v1, hybrid and pure v2 layouts are handled alike.
 */
public final class CgroupHierarchies {

  private static final String CGROUPFS = "/sys/fs/cgroup";

  private CgroupHierarchies() {}

  /** The mount point of every hierarchy on this machine; see {@link #parse}. */
  public static List<Path> mounted() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The mount points of the cgroup hierarchies in mountinfo lines, each once, in mount order.
   *
   * @throws IllegalStateException when a hierarchy is mounted with a root other than "/": this
   *     process then runs inside a cgroup namespace (or sees a bind mount of a subtree), where the
   *     cgroup paths runc and the node agent compute would not be the host's
   */
  public static List<Path> parse(List<String> mountinfoLines) {
    List<Path> mounts = new ArrayList<>();
    for (String line : mountinfoLines) {
      int separator = line.indexOf(" - ");
      if (separator < 0) {
        continue;
      }
      String[] fields = line.substring(0, separator).split(" ");
      String fsType = line.substring(separator + 3).split(" ")[0];
      if (fields.length < 5 || !(fsType.equals("cgroup") || fsType.equals("cgroup2"))) {
        continue;
      }
      String root = unescape(fields[3]);
      Path mountPoint = Path.of(unescape(fields[4]));
      if (!mountPoint.startsWith(CGROUPFS) || mounts.contains(mountPoint)) {
        continue;
      }
      if (!root.equals("/")) {
        throw new IllegalStateException(
            "the cgroup hierarchy at "
                + mountPoint
                + " is mounted with root "
                + root
                + ": run in the host's cgroup namespace");
      }
      mounts.add(mountPoint);
    }
    return List.copyOf(mounts);
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes (\040...). */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\'
          && i + 3 < field.length()
          && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}

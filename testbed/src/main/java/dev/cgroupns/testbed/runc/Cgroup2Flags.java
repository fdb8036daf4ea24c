package dev.cgroupns.testbed.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The flags of the host's cgroup2 superblock on a pure v2 host (cgroup2 mounted at /sys/fs/cgroup),
 * for the test containers' own cgroup2 mounts.
 *
 * <p>Why: the kernel applies these flags to the one cgroup2 hierarchy on every new cgroup2 mount,
 * and nsdelegate is set or cleared that way by any mount made in the initial cgroup namespace. runc
 * 1.1 mounts cgroup2 in a container without a cgroup namespace with no options at all, so starting
 * such a container clears the host's nsdelegate (seen in the VM). Passing the host's flags makes
 * the containers leave the host as it was, as the kernel tests require.
 */
public final class Cgroup2Flags {

  /** The cgroup2 mount options that are hierarchy-wide flags (kernel 6.1). */
  static final Set<String> HIERARCHY_FLAGS =
      Set.of("nsdelegate", "favordynmods", "memory_localevents", "memory_recursiveprot");

  private Cgroup2Flags() {}

  /** The host's flags, from this process's mountinfo; none on a v1 or hybrid host. */
  public static List<String> ofHost() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The hierarchy flags among the super options of a cgroup2 mount at /sys/fs/cgroup, in order. */
  public static List<String> parse(List<String> mountinfoLines) {
    for (String line : mountinfoLines) {
      int separator = line.indexOf(" - ");
      if (separator < 0) {
        continue;
      }
      String[] fields = line.substring(0, separator).split(" ");
      String[] tail = line.substring(separator + 3).split(" ");
      if (fields.length > 4
          && fields[4].equals("/sys/fs/cgroup")
          && tail.length > 2
          && tail[0].equals("cgroup2")) {
        return List.of(tail[2].split(",")).stream().filter(HIERARCHY_FLAGS::contains).toList();
      }
    }
    return List.of();
  }
}

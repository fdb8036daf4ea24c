package dev.cgroupns.testbed.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The sockets the node's binaries make at fixed host paths whatever they are told: containerd's
 * shims in {@code /run/containerd/s}, the kubelet's device-plugin registration in {@code
 * /var/lib/kubelet/device-plugins}. A socket file that no process has bound (none in {@code
 * /proc/net/unix}) is dead and removed, and so are those directories once empty.
 */
public final class HostSockets {

  /** Each directory, then the ancestors it was created with. */
  static final List<List<Path>> FIXED_DIRECTORIES =
      List.of(
          List.of(Path.of("/run/containerd/s"), Path.of("/run/containerd")),
          List.of(Path.of("/var/lib/kubelet/device-plugins"), Path.of("/var/lib/kubelet")));

  private HostSockets() {}

  /**
   * Removes the dead sockets and the empty directories.
   *
   * @return what could not be removed
   */
  public static List<String> removeDead() {
    List<String> failures = new ArrayList<>();
    Set<String> bound = boundPaths();
    for (List<Path> dirs : FIXED_DIRECTORIES) {
      try {
        for (Path socket : dead(dirs.get(0), bound)) {
          Files.deleteIfExists(socket);
        }
        for (Path dir : dirs) {
          if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
              if (entries.findAny().isPresent()) {
                break;
              }
            }
            Files.delete(dir);
          }
        }
      } catch (IOException e) {
        failures.add(dirs.get(0) + ": " + e.getMessage());
      }
    }
    return failures;
  }

  /** The dead sockets and the empty directories left, for a check that nothing is. */
  public static List<String> leftovers() {
    List<String> left = new ArrayList<>();
    Set<String> bound = boundPaths();
    for (List<Path> dirs : FIXED_DIRECTORIES) {
      try {
        dead(dirs.get(0), bound).forEach(s -> left.add("dead socket " + s));
        for (Path dir : dirs) {
          if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
              if (entries.findAny().isEmpty()) {
                left.add("empty directory " + dir);
              }
            }
          }
        }
      } catch (IOException e) {
        left.add(dirs.get(0) + ": " + e.getMessage());
      }
    }
    return left;
  }

  private static List<Path> dead(Path dir, Set<String> bound) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> isSocket(p) && !bound.contains(p.toString())).toList();
    }
  }

  private static boolean isSocket(Path file) {
    try {
      Object mode = Files.getAttribute(file, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
      return ((Integer) mode & 0170000) == 0140000;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The paths of bound unix sockets: the last field of /proc/net/unix's lines that have one. */
  static Set<String> boundPaths() {
    Set<String> paths = new HashSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length >= 8 && fields[7].startsWith("/")) {
          paths.add(fields[7]);
        }
      }
    } catch (IOException e) {
      // Without the table every socket would look dead: remove none.
      throw new java.io.UncheckedIOException(e);
    }
    return paths;
  }
}

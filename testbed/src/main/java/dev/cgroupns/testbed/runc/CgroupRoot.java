package dev.cgroupns.testbed.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cgroup under which a run's containers live: {@code <own>/cgns-<purpose>-<suffix>}, where
 * {@code <own>} is the deepest cgroup of this process, so that the containers are accounted (and
 * limited) wherever the process that starts them is, in every hierarchy.
 *
 * <p>runc takes one cgroupsPath for all hierarchies. The deepest own path must therefore extend
 * every other own path (checked); in hierarchies where it does not exist yet runc creates it, and
 * {@link #close} removes what was created: the subtree, then those ancestors.
 */
public final class CgroupRoot implements AutoCloseable {

  /** The last segment of every root: what {@link LeftoverSweeper} accepts as one. */
  public static final Pattern NAME = Pattern.compile("cgns-[a-z]{1,16}-[0-9a-f]{1,16}");

  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.:-]+)+");

  private final String path;
  private final List<Path> hierarchies;
  private final List<Path> missingAncestors;

  private CgroupRoot(String path, List<Path> hierarchies, List<Path> missingAncestors) {
    this.path = path;
    this.hierarchies = hierarchies;
    this.missingAncestors = missingAncestors;
  }

  /**
   * Plans the root from /proc/self/cgroup and the hierarchies mounted on this machine.
   *
   * @param purpose what the run is, e.g. "sandbox" or "test" (lower-case letters)
   * @param suffix what tells runs apart, in hex, e.g. the pid
   */
  public static CgroupRoot create(String purpose, String suffix) {
    try {
      return create(
          Files.readAllLines(Path.of("/proc/self/cgroup")),
          CgroupHierarchies.mounted(),
          purpose,
          suffix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Plans the root.
   *
   * @param procSelfCgroup the lines of this process's /proc/self/cgroup
   * @param hierarchies the mount points of the hierarchies (each mounted with root "/")
   */
  public static CgroupRoot create(
      List<String> procSelfCgroup, List<Path> hierarchies, String purpose, String suffix) {
    String name = "cgns-" + purpose + "-" + suffix;
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad cgroup root name: " + name);
    }
    String base = OwnCgroups.deepest(procSelfCgroup);
    String path = (base.equals("/") ? "" : base) + "/" + name;
    List<Path> missing = new ArrayList<>();
    for (Path hierarchy : hierarchies) {
      Path dir = hierarchy;
      for (String segment : base.split("/")) {
        if (segment.isEmpty()) {
          continue;
        }
        dir = dir.resolve(segment);
        if (!Files.isDirectory(dir)) {
          missing.add(dir);
        }
      }
    }
    return new CgroupRoot(path, List.copyOf(hierarchies), List.copyOf(missing));
  }

  /** The cgroup path, the same in every hierarchy, e.g. /process_api/ID/cgns-sandbox-1a2b. */
  public String path() {
    return path;
  }

  public List<Path> hierarchies() {
    return hierarchies;
  }

  /** The ancestors runc had to create, which {@link #close} removes unless others use them. */
  public List<Path> missingAncestors() {
    return missingAncestors;
  }

  /** Cgroup directories that exist below the root now, in any hierarchy, and created ancestors. */
  public List<Path> remaining() {
    List<Path> left = new ArrayList<>();
    for (Path hierarchy : hierarchies) {
      Path top = hierarchy.resolve(path.substring(1));
      if (Files.isDirectory(top)) {
        left.add(top);
      }
    }
    for (Path ancestor : missingAncestors) {
      if (Files.isDirectory(ancestor)) {
        left.add(ancestor);
      }
    }
    return left;
  }

  /**
   * Removes the subtree (deepest first) in every hierarchy, then the ancestors runc had to create.
   * Call after the containers are deleted: a cgroup with processes cannot be removed.
   */
  @Override
  public void close() {
    List<String> failures = removeSubtree(hierarchies, path);
    removeUnusedAncestors(missingAncestors, failures);
    if (!failures.isEmpty()) {
      throw new IllegalStateException("cgroups left behind: " + failures);
    }
  }

  /**
   * Removes the cgroup {@code path} and everything below it (deepest first) in every hierarchy.
   *
   * @return what could not be removed
   */
  public static List<String> removeSubtree(List<Path> hierarchies, String path) {
    if (!PATH.matcher(path).matches() || path.contains("/..")) {
      throw new IllegalArgumentException("bad cgroup path: " + path);
    }
    List<String> failures = new ArrayList<>();
    for (Path hierarchy : hierarchies) {
      Path top = hierarchy.resolve(path.substring(1));
      if (!Files.isDirectory(top)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(top)) {
        for (Path dir :
            walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
          rmdir(dir, failures);
        }
      } catch (IOException e) {
        failures.add(top + ": " + e.getMessage());
      }
    }
    return failures;
  }

  /**
   * Removes ancestor cgroups a run caused to exist, deepest first, except those where another user
   * (a concurrent run, a test) has created cgroups meanwhile: those are not the run's to break.
   */
  static void removeUnusedAncestors(List<Path> ancestors, List<String> failures) {
    List<Path> deepestFirst = new ArrayList<>(ancestors);
    deepestFirst.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path dir : deepestFirst) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> children = Files.list(dir)) {
        if (children.anyMatch(Files::isDirectory)) {
          continue;
        }
      } catch (IOException e) {
        failures.add(dir + ": " + e.getMessage());
        continue;
      }
      rmdir(dir, failures);
    }
  }

  private static void rmdir(Path dir, List<String> failures) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      failures.add(dir + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return path + " in " + hierarchies;
  }
}

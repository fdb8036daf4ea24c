package dev.cgroupns.sandbox.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cgroup under which every demo container lives: {@code <own>/cgns-sandbox-<suffix>}, where
 * {@code <own>} is the deepest cgroup of this process, so that the demo is accounted (and limited)
 * wherever the sandbox itself is, in every hierarchy.
 *
 * <p>runc takes one cgroupsPath for all hierarchies. The deepest own path must therefore extend
 * every other own path (checked); in hierarchies where it does not exist yet runc creates it, and
 * {@link #close} removes what was created: the subtree, then those ancestors.
 */
public final class SandboxCgroupRoot implements AutoCloseable {

  private final String path;
  private final List<Path> hierarchies;
  private final List<Path> missingAncestors;

  private SandboxCgroupRoot(String path, List<Path> hierarchies, List<Path> missingAncestors) {
    this.path = path;
    this.hierarchies = hierarchies;
    this.missingAncestors = missingAncestors;
  }

  /** Plans the root from /proc/self/cgroup and the hierarchies mounted on this machine. */
  public static SandboxCgroupRoot create(String suffix) {
    try {
      return create(
          Files.readAllLines(Path.of("/proc/self/cgroup")), CgroupHierarchies.mounted(), suffix);
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
  static SandboxCgroupRoot create(
      List<String> procSelfCgroup, List<Path> hierarchies, String suffix) {
    if (!suffix.matches("[a-z0-9-]{1,32}")) {
      throw new IllegalArgumentException("bad cgroup suffix: " + suffix);
    }
    String base = OwnCgroups.deepest(procSelfCgroup);
    String path = (base.equals("/") ? "" : base) + "/cgns-sandbox-" + suffix;
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
    return new SandboxCgroupRoot(path, List.copyOf(hierarchies), missing);
  }

  /** The cgroup path, the same in every hierarchy, e.g. /process_api/ID/cgns-sandbox-1a2b. */
  public String path() {
    return path;
  }

  /** Cgroup directories that exist below the root now, in any hierarchy. */
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
    List<String> failures = new ArrayList<>();
    removeSubtree(hierarchies, path, failures);
    List<Path> ancestors = new ArrayList<>(missingAncestors);
    ancestors.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path dir : ancestors) {
      removeIfUnused(dir, failures);
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("cgroups left behind: " + failures);
    }
  }

  /**
   * Removes the cgroup {@code path} and everything below it (deepest first) in every hierarchy: the
   * cleanup of a sandbox run that could not clean up itself.
   *
   * @return what could not be removed
   */
  public static List<String> removeSubtree(List<Path> hierarchies, String path) {
    if (!path.matches("(/[A-Za-z0-9_.:-]+)+") || path.contains("/..")) {
      throw new IllegalArgumentException("bad cgroup path: " + path);
    }
    List<String> failures = new ArrayList<>();
    removeSubtree(hierarchies, path, failures);
    return failures;
  }

  private static void removeSubtree(List<Path> hierarchies, String path, List<String> failures) {
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
  }

  /** The ancestors runc had to create, which {@link #close} removes unless others use them. */
  public List<Path> missingAncestors() {
    return List.copyOf(missingAncestors);
  }

  /**
   * Removes an ancestor cgroup the sandbox caused to exist, unless another user (a concurrent run,
   * a test) has created cgroups below it meanwhile: those are not the sandbox's to break.
   */
  static void removeIfUnused(Path dir, List<String> failures) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> children = Files.list(dir)) {
      if (children.anyMatch(Files::isDirectory)) {
        return;
      }
    } catch (IOException e) {
      failures.add(dir + ": " + e.getMessage());
      return;
    }
    rmdir(dir, failures);
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

package dev.cgroupns.agent.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A cgroup subtree for one test run, nested under the test process's own cgroup in every hierarchy,
 * and removed afterwards.
 *
 * <p>runc takes one {@code cgroupsPath} for all hierarchies, while the test process may sit at a
 * different depth in each (on this machine only the memory hierarchy places it below "/"). The base
 * is therefore the deepest of its own cgroups, which must lie below all the others; in hierarchies
 * where that path does not exist yet runc creates it, and {@link #close} removes exactly the
 * directories that were not there before.
 */
public final class TestCgroupTree implements AutoCloseable {
  private static final Path CGROUPFS = Path.of("/sys/fs/cgroup");

  private final String base;
  private final String root;
  private final List<Path> hierarchyMounts;
  private final List<Path> createdAbove = new ArrayList<>();

  private TestCgroupTree(String base, String root, List<Path> hierarchyMounts) {
    this.base = base;
    this.root = root;
    this.hierarchyMounts = hierarchyMounts;
  }

  /** A fresh tree named cgns-test-RANDOM under the test process's own cgroups. */
  public static TestCgroupTree create() {
    try {
      List<String> ownPaths = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        ownPaths.add(line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1));
      }
      String base = ownPaths.stream().max(Comparator.comparingInt(String::length)).orElse("/");
      for (String own : ownPaths) {
        if (!(base + "/").startsWith(own.equals("/") ? "/" : own + "/")) {
          throw new IllegalStateException(
              "the test process's cgroups do not nest (" + ownPaths + "); cannot pick one base");
        }
      }
      String root =
          (base.equals("/") ? "" : base)
              + "/cgns-test-"
              + UUID.randomUUID().toString().substring(0, 8);
      List<Path> mounts = new ArrayList<>();
      try (Stream<Path> entries = Files.list(CGROUPFS)) {
        entries
            .filter(p -> Files.isRegularFile(p.resolve("cgroup.procs")))
            .filter(p -> !Files.isSymbolicLink(p))
            .sorted()
            .forEach(mounts::add);
      }
      TestCgroupTree tree = new TestCgroupTree(base, root, mounts);
      tree.recordMissingAncestors();
      return tree;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tree's root cgroup path, e.g. /process_api/ID/cgns-test-1a2b3c4d. */
  public String root() {
    return root;
  }

  private void recordMissingAncestors() {
    for (Path mount : hierarchyMounts) {
      Path dir = mount;
      for (String segment : base.split("/")) {
        if (segment.isEmpty()) {
          continue;
        }
        dir = dir.resolve(segment);
        if (!Files.isDirectory(dir)) {
          createdAbove.add(dir);
        }
      }
    }
  }

  /** Removes every cgroup below the root (deepest first), the root, and created ancestors. */
  @Override
  public void close() {
    List<String> failures = new ArrayList<>();
    for (Path mount : hierarchyMounts) {
      Path top = mount.resolve(root.substring(1));
      if (!Files.isDirectory(top)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(top)) {
        for (Path dir :
            walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
          rmdir(dir, failures);
        }
      } catch (IOException e) {
        failures.add(top + ": " + e);
      }
    }
    createdAbove.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path dir : createdAbove) {
      rmdir(dir, failures);
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("test cgroups left behind: " + failures);
    }
  }

  private static void rmdir(Path dir, List<String> failures) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      failures.add(dir + ": " + e);
    }
  }
}

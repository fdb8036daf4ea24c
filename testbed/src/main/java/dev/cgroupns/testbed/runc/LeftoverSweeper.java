package dev.cgroupns.testbed.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Cleans up after runs that could not clean up themselves (killed with SIGKILL, machine out of
 * memory): their containers, cgroups and work directories.
 *
 * <p>Each run records in its work directory who owns it (pid and start time, since PIDs are reused)
 * and its cgroup root. A work directory whose owner is gone is swept: its containers are deleted
 * through its private runc root, then its cgroup subtree and the directory are removed.
 */
public final class LeftoverSweeper {

  public static final String WORK_DIR_PREFIX = "cgroupns-runc-";

  /** What a run's cgroup root looks like: a {@link CgroupRoot} name under some own cgroup. */
  private static final Pattern RUN_CGROUP =
      Pattern.compile("(/[A-Za-z0-9_.:-]+)*/" + CgroupRoot.NAME.pattern());

  private static final String OWNER = "owner";
  private static final String CGROUP_ROOT = "cgroup-root";

  private final Path tmp;
  private final List<Path> hierarchies;
  private final String runc;

  /**
   * @param tmp where work directories are created
   * @param hierarchies the mount points of the cgroup hierarchies
   * @param runc the runc binary
   */
  public LeftoverSweeper(Path tmp, List<Path> hierarchies, String runc) {
    this.tmp = tmp;
    this.hierarchies = List.copyOf(hierarchies);
    this.runc = runc;
  }

  /** A new work directory in java.io.tmpdir (mode 0700), claimed by this process. */
  public static Path newWorkDir() {
    try {
      Path workDir = Files.createTempDirectory(WORK_DIR_PREFIX);
      claim(workDir);
      return workDir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Marks {@code workDir} as owned by this process. */
  public static void claim(Path workDir) {
    write(workDir.resolve(OWNER), ProcessOwner.self().toString());
  }

  /**
   * Records the run's cgroup root and the ancestors runc will create for it, before any container
   * is created under it.
   */
  public static void recordCgroupRoot(Path workDir, CgroupRoot root) {
    StringBuilder lines = new StringBuilder(root.path()).append('\n');
    root.missingAncestors().forEach(a -> lines.append(a).append('\n'));
    write(workDir.resolve(CGROUP_ROOT), lines.toString());
  }

  /** Removes a work directory and everything in it; call after its containers are deleted. */
  public static void deleteWorkDir(Path workDir) {
    List<String> failures = new ArrayList<>();
    deleteTree(workDir, failures);
    if (!failures.isEmpty()) {
      throw new IllegalStateException("could not remove " + workDir + ": " + failures);
    }
  }

  /**
   * Sweeps every abandoned work directory.
   *
   * @param report told about each sweep
   */
  public void sweep(Consumer<String> report) {
    for (Path dir : candidates()) {
      Optional<ProcessOwner> owner = ProcessOwner.read(dir.resolve(OWNER));
      if (owner.isEmpty() || owner.get().isAlive() || !ownedByUs(dir)) {
        continue;
      }
      List<String> failures = new ArrayList<>();
      int containers = deleteContainers(dir.resolve(RuncRuntime.STATE_DIR), failures);
      List<String> cgroupLines = lines(dir.resolve(CGROUP_ROOT));
      // The file is only a hint: anything but a run's root, and its own ancestors, is ignored.
      String cgroupRoot =
          cgroupLines.isEmpty() || !RUN_CGROUP.matcher(cgroupLines.get(0)).matches()
              ? null
              : cgroupLines.get(0);
      if (cgroupRoot != null && failures.isEmpty()) {
        failures.addAll(CgroupRoot.removeSubtree(hierarchies, cgroupRoot));
        List<Path> ancestors =
            cgroupLines.stream()
                .skip(1)
                .map(a -> Path.of(a).normalize())
                .filter(a -> isAncestorOf(a, cgroupRoot))
                .toList();
        CgroupRoot.removeUnusedAncestors(ancestors, failures);
      }
      if (failures.isEmpty()) {
        deleteTree(dir, failures);
      }
      report.accept(
          "swept an earlier run that did not clean up (pid "
              + owner.get().pid()
              + "): "
              + containers
              + " container(s)"
              + (cgroupRoot == null ? "" : ", cgroups under " + cgroupRoot)
              + (failures.isEmpty() ? "" : "; could not remove: " + failures));
    }
  }

  /** A directory strictly inside a hierarchy on the way to {@code cgroupRoot}. */
  private boolean isAncestorOf(Path dir, String cgroupRoot) {
    for (Path h : hierarchies) {
      if (dir.startsWith(h) && !dir.equals(h)) {
        String cgroup = "/" + h.relativize(dir);
        return cgroupRoot.startsWith(cgroup + "/");
      }
    }
    return false;
  }

  /**
   * Work directories are created by root with mode 0700; one owned by anyone else, or open to
   * others, was not made by a run and its files are not trusted.
   */
  private static boolean ownedByUs(Path dir) {
    try {
      int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return uid == currentUid() && (mode & 0077) == 0;
    } catch (IOException | UnsupportedOperationException | ClassCastException e) {
      return false;
    }
  }

  private static int currentUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  private List<Path> candidates() {
    try (Stream<Path> entries = Files.list(tmp)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith(WORK_DIR_PREFIX))
          .filter(p -> Files.isDirectory(p) && !Files.isSymbolicLink(p))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private int deleteContainers(Path stateDir, List<String> failures) {
    if (!Files.isDirectory(stateDir)) {
      return 0;
    }
    int deleted = 0;
    try {
      String list = CommandRunner.run(List.of(runc, "--root", stateDir.toString(), "list", "-q"));
      for (String name : list.lines().map(String::strip).filter(n -> !n.isEmpty()).toList()) {
        CommandRunner.run(List.of(runc, "--root", stateDir.toString(), "delete", "-f", name));
        deleted++;
      }
    } catch (RuntimeException e) {
      failures.add(e.getMessage());
    }
    return deleted;
  }

  private static void deleteTree(Path dir, List<String> failures) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      failures.add(dir + ": " + e.getMessage());
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.isRegularFile(file)
          ? Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList()
          : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }
}

package dev.cgroupns.testbed.cluster;

import dev.cgroupns.testbed.runc.ProcessOwner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The working directories of local clusters: {@code <tmp>/cgroupns-kube-*}, each claimed by the
 * process that made it (an {@code owner} file with its pid and start time) and listing the
 * components it started ({@code components/<name>}). A JVM killed with SIGKILL cannot stop its etcd
 * and API server; the next run finds its directory by the dead owner, kills the recorded processes
 * that are still the same processes, and removes the directory.
 */
public final class RunDirectories {

  public static final String PREFIX = "cgroupns-kube-";
  private static final String OWNER = "owner";
  private static final String COMPONENTS = "components";

  private RunDirectories() {}

  /** Makes and claims a new run directory (mode 0700) under {@code parent}. */
  public static Path create(Path parent) {
    return create(parent, PREFIX);
  }

  /**
   * Makes and claims a new run directory {@code <prefix><digits>} (mode 0700) under {@code parent}:
   * other kinds of runs (a node) use a prefix of their own, so that each kind's sweep cleans up
   * only what it knows how to.
   */
  public static Path create(Path parent, String prefix) {
    try {
      Path dir =
          Files.createTempDirectory(
              parent,
              prefix,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.createDirectories(dir.resolve(COMPONENTS));
      Files.writeString(dir.resolve(OWNER), ProcessOwner.self().toString());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path recordComponent(Path runDir, String name, ProcessOwner process) throws IOException {
    Path record = runDir.resolve(COMPONENTS).resolve(name);
    Files.writeString(record, process.toString());
    return record;
  }

  /**
   * Stops what dead runs left and removes their directories.
   *
   * @return the directories removed
   */
  public static List<Path> sweep(Path parent, Consumer<String> log) {
    List<Path> removed = new ArrayList<>();
    for (Path dir : abandoned(parent, PREFIX)) {
      killComponents(dir, log);
      deleteTree(dir);
      removed.add(dir);
    }
    return removed;
  }

  /** The run directories {@code <prefix>*} under {@code parent} whose owner is gone. */
  public static List<Path> abandoned(Path parent, String prefix) {
    List<Path> dead = new ArrayList<>();
    for (Path dir : runDirectories(parent, prefix)) {
      Optional<ProcessOwner> owner = ProcessOwner.read(dir.resolve(OWNER));
      if (owner.isEmpty() || !owner.get().isAlive()) {
        dead.add(dir);
      }
    }
    return dead;
  }

  /** Stops the components recorded in a run directory that still run (SIGKILL). */
  public static void killComponents(Path dir, Consumer<String> log) {
    for (ProcessOwner component : components(dir)) {
      if (component.isAlive()) {
        log.accept("stopping pid " + component.pid() + " left by the dead run " + dir);
        ProcessHandle.of(component.pid()).ifPresent(RunDirectories::kill);
      }
    }
  }

  private static void kill(ProcessHandle process) {
    process.destroyForcibly();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Reported by the caller's next check: the directory goes anyway.
    }
  }

  private static List<Path> runDirectories(Path parent, String prefix) {
    try (Stream<Path> entries = Files.list(parent)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(Files::isDirectory)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<ProcessOwner> components(Path dir) {
    try (Stream<Path> files = Files.list(dir.resolve(COMPONENTS))) {
      return files.map(ProcessOwner::read).flatMap(Optional::stream).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Removes a directory tree; symbolic links are removed, never followed. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

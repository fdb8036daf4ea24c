package dev.cgroupns.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before anything is started, what the full sandbox needs from this machine, and says for
 * each missing piece exactly what to do.
 */
public final class Preflight {

  /**
   * What the checks look at.
   *
   * @param uid the real uid of this process
   * @param runc the runc binary found, if any
   * @param busybox true when /bin/busybox exists (containers' root filesystem)
   * @param cgroupfs true when cgroup hierarchies are mounted under /sys/fs/cgroup
   * @param repository the project checkout (must contain crds/ and manifests/samples/)
   */
  public record Facts(
      int uid, Optional<Path> runc, boolean busybox, boolean cgroupfs, Path repository) {

    public static Facts ofThisMachine(Path repository) {
      return new Facts(
          currentUid(),
          findRunc(),
          Files.isExecutable(Path.of("/bin/busybox")),
          hasCgroupfs(),
          repository);
    }
  }

  private Preflight() {}

  /** Problems with their remedies; empty when the sandbox can run. */
  public static List<String> problems(Facts facts, boolean apiOnly) {
    List<String> problems = new ArrayList<>();
    if (!Files.isDirectory(facts.repository().resolve("crds"))) {
      problems.add(
          "no crds/ directory in "
              + facts.repository()
              + ": run from the project checkout, or pass --repository <checkout>");
    }
    if (apiOnly) {
      return problems;
    }
    if (facts.uid() != 0) {
      problems.add(
          "not running as root (uid "
              + facts.uid()
              + "): the sandbox creates containers, cgroups and mounts. Run it as root:"
              + " sudo sandbox/bin/sandbox   (or add --api-only for just the API endpoint and"
              + " kubectl, which needs no root)");
    }
    if (facts.runc().isEmpty()) {
      problems.add("runc is not installed: apt-get install -y runc   (Debian/Ubuntu)");
    }
    if (!facts.busybox()) {
      problems.add(
          "busybox is not at /bin/busybox (the demo containers' root filesystem):"
              + " apt-get install -y busybox-static");
    }
    if (!facts.cgroupfs()) {
      problems.add(
          "no cgroup hierarchy is mounted under /sys/fs/cgroup: the sandbox needs Linux cgroups");
    }
    return problems;
  }

  /** runc at its Debian path, else the first on PATH. */
  public static Optional<Path> findRunc() {
    Path standard = Path.of("/usr/sbin/runc");
    if (Files.isExecutable(standard)) {
      return Optional.of(standard);
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, "runc");
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean hasCgroupfs() {
    Path root = Path.of("/sys/fs/cgroup");
    if (Files.isRegularFile(root.resolve("cgroup.procs"))) {
      return true;
    }
    try (var entries = Files.list(root)) {
      return entries.anyMatch(p -> Files.isRegularFile(p.resolve("cgroup.procs")));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static int currentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}

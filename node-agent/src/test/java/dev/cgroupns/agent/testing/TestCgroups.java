package dev.cgroupns.agent.testing;

import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.cgroup.Hierarchy;
import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.ProcCgroup;
import dev.cgroupns.agent.proc.ProcFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Test cgroups nested under the test process's OWN cgroup in each chosen hierarchy (this machine
 * accounts a session's memory in its cgroup), removed again by {@link #close()}. Needs root.
 */
public final class TestCgroups implements AutoCloseable {
  private final CgroupLayout layout;
  private final Map<Hierarchy, String> basePaths = new LinkedHashMap<>();

  private TestCgroups(CgroupLayout layout) {
    this.layout = layout;
  }

  /**
   * Creates a fresh base cgroup named {@code prefix-<random>} below the test's own cgroup in one v1
   * hierarchy (memory when mounted; never cpuset, which needs cpus and mems set) and in v2,
   * whichever of them the host has.
   */
  public static TestCgroups create(String prefix) {
    ProcFs procFs = ProcFs.host();
    CgroupLayout layout = CgroupLayout.detect(procFs, null);
    ProcCgroup own = procFs.selfCgroups();
    TestCgroups cgroups = new TestCgroups(layout);
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    for (Hierarchy h : chosenHierarchies(layout)) {
      CgroupLine ownLine =
          own.hierarchy(h.hierarchyId())
              .orElseThrow(() -> new IllegalStateException("own cgroup unknown in " + h));
      String base = join(ownLine.path(), name);
      cgroups.basePaths.put(h, base);
      mkdirs(layout.directoryOf(h, base));
    }
    return cgroups;
  }

  static List<Hierarchy> chosenHierarchies(CgroupLayout layout) {
    List<Hierarchy> chosen = new ArrayList<>();
    layout.hierarchies().stream()
        .filter(h -> !h.v2() && !h.controllers().contains("cpuset"))
        .min(Comparator.comparing((Hierarchy h) -> !h.controllers().contains("memory")))
        .ifPresent(chosen::add);
    layout.unified().ifPresent(chosen::add);
    return chosen;
  }

  public CgroupLayout layout() {
    return layout;
  }

  public List<Hierarchy> hierarchies() {
    return List.copyOf(basePaths.keySet());
  }

  /** The host path (as /proc/PID/cgroup shows it to the test) of {@code relative} below base. */
  public String hostPath(Hierarchy h, String relative) {
    return relative.isEmpty() ? basePaths.get(h) : join(basePaths.get(h), relative);
  }

  /** Creates {@code relative} (e.g. "a/b/c") below the base in every chosen hierarchy. */
  public void mkdirs(String relative) {
    for (Hierarchy h : hierarchies()) {
      mkdirs(directory(h, relative));
    }
  }

  public Path directory(Hierarchy h, String relative) {
    return layout.directoryOf(h, hostPath(h, relative));
  }

  /** Moves a whole process into {@code relative} in every chosen hierarchy. */
  public void moveProcess(long pid, String relative) {
    for (Hierarchy h : hierarchies()) {
      try {
        Files.writeString(directory(h, relative).resolve("cgroup.procs"), Long.toString(pid));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot move " + pid + " to " + relative + " in " + h, e);
      }
    }
  }

  /**
   * Removes every cgroup below and including the base, deepest first. The processes must be gone; a
   * cgroup of a just-reaped process can stay busy for a moment, hence the wait.
   */
  @Override
  public void close() {
    for (Hierarchy h : hierarchies()) {
      Path base = directory(h, "");
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(() -> removeTree(base));
    }
  }

  private static boolean removeTree(Path base) throws IOException {
    if (!Files.exists(base)) {
      return true;
    }
    List<Path> dirs;
    try (Stream<Path> walk = Files.walk(base)) {
      dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
    }
    for (Path dir : dirs) {
      Files.delete(dir); // rmdir: cgroupfs removes a cgroup's control files with it
    }
    return !Files.exists(base);
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create cgroup " + dir, e);
    }
  }

  private static String join(String parent, String child) {
    return parent.equals("/") ? "/" + child : parent + "/" + child;
  }
}

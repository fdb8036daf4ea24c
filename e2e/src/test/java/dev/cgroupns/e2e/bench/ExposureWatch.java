package dev.cgroupns.e2e.bench;

import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcStatParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches, from the host, every container the kubelet starts under one QoS directory of the memory
 * hierarchy (e.g. /sys/fs/cgroup/memory/kubepods/besteffort), in a loop of its own thread: finds
 * each container's first process in its cgroup's cgroup.procs, reads when it started, and notes the
 * first moment it saw it running its own command exposed, and the first it saw it isolated ({@link
 * ContainerState}). Pod directories present when the watch starts are ignored.
 */
final class ExposureWatch implements AutoCloseable {

  /** What was seen of one container; times are nanoTime values, 0 for "not seen". */
  static final class Seen {
    final String podUid;
    final String containerId;
    long pid;
    long startNanos;
    long firstRunningNanos;
    long firstExposedNanos;
    long isolatedNanos;
    boolean sandbox;
    boolean vanished;

    Seen(String podUid, String containerId) {
      this.podUid = podUid;
      this.containerId = containerId;
    }

    boolean done() {
      return sandbox || vanished || isolatedNanos != 0;
    }

    private Seen copy() {
      Seen c = new Seen(podUid, containerId);
      c.pid = pid;
      c.startNanos = startNanos;
      c.firstRunningNanos = firstRunningNanos;
      c.firstExposedNanos = firstExposedNanos;
      c.isolatedNanos = isolatedNanos;
      c.sandbox = sandbox;
      c.vanished = vanished;
      return c;
    }
  }

  private final Path qosDir;
  private final String qosCgroup;
  private final Path proc;
  private final BootClock clock;
  private final long pauseNanos;
  private final Set<String> ignoredPods;
  private final Map<String, Seen> seen = new LinkedHashMap<>();
  private final List<Long> sweeps = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param memoryRoot the memory hierarchy's mount, e.g. /sys/fs/cgroup/memory
   * @param qosCgroup the QoS class's cgroup under it, e.g. /kubepods/besteffort
   * @param pauseMicros how long the loop rests between sweeps
   */
  ExposureWatch(Path memoryRoot, String qosCgroup, Path proc, BootClock clock, long pauseMicros)
      throws IOException {
    this.qosCgroup = qosCgroup;
    this.qosDir = memoryRoot.resolve(qosCgroup.substring(1));
    this.proc = proc;
    this.clock = clock;
    this.pauseNanos = TimeUnit.MICROSECONDS.toNanos(pauseMicros);
    this.ignoredPods = Set.copyOf(podDirs());
    this.thread = new Thread(this::loop, "exposure-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** A copy of what has been seen so far, by container ID (sandboxes excluded). */
  synchronized Map<String, Seen> containers() {
    Map<String, Seen> out = new LinkedHashMap<>();
    seen.values().stream().filter(s -> !s.sandbox).forEach(s -> out.put(s.containerId, s.copy()));
    return out;
  }

  /** How long each sweep over the watched containers took, in microseconds. */
  synchronized List<Long> sweepMicros() {
    return List.copyOf(sweeps);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(10));
  }

  private void loop() {
    while (running) {
      long start = System.nanoTime();
      try {
        sweep();
      } catch (IOException | RuntimeException e) {
        // A pod directory removed while listed: the next sweep sees the new state.
      }
      synchronized (this) {
        sweeps.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
      }
      LockSupport.parkNanos(pauseNanos);
    }
  }

  private void sweep() throws IOException {
    for (String pod : podDirs()) {
      if (ignoredPods.contains(pod)) {
        continue;
      }
      List<String> containers;
      try {
        containers = childDirs(qosDir.resolve(pod));
      } catch (IOException e) {
        continue; // the pod's directory went away while listed
      }
      for (String container : containers) {
        Seen s;
        synchronized (this) {
          s = seen.computeIfAbsent(container, c -> new Seen(pod.substring("pod".length()), c));
        }
        if (!s.done()) {
          look(s, "/" + pod + "/" + container);
        }
      }
    }
  }

  /** One look at one container; synchronized per container with the readers of the results. */
  private void look(Seen s, String relative) {
    try {
      if (s.pid == 0 && !findFirstProcess(s, qosDir.resolve(relative.substring(1)))) {
        return;
      }
      Path pidDir = proc.resolve(Long.toString(s.pid));
      String cmdline = Files.readString(pidDir.resolve("cmdline"), StandardCharsets.ISO_8859_1);
      if (ContainerState.isPause(cmdline)) {
        synchronized (this) {
          s.sandbox = true;
        }
        return;
      }
      ContainerState state;
      if (ContainerState.isRuncInit(cmdline)) {
        state = ContainerState.SETTING_UP;
      } else {
        try (InputStream in = Files.newInputStream(pidDir.resolve("mountinfo"))) {
          state =
              ContainerState.of(
                  cmdline, MountInfoParser.readCgroupMounts(in), qosCgroup + relative);
        }
      }
      long now = System.nanoTime();
      synchronized (this) {
        if (state != ContainerState.SETTING_UP && s.firstRunningNanos == 0) {
          s.firstRunningNanos = now;
        }
        if (state == ContainerState.EXPOSED && s.firstExposedNanos == 0) {
          s.firstExposedNanos = now;
        }
        if (state == ContainerState.ISOLATED) {
          s.isolatedNanos = now;
        }
      }
    } catch (IOException | RuntimeException e) {
      if (s.pid != 0 && !Files.exists(proc.resolve(Long.toString(s.pid)))) {
        synchronized (this) {
          s.vanished = true;
        }
      }
    }
  }

  /**
   * The container's init: the process of the cgroup that is pid 1 of its own pid namespace. runc's
   * init forks twice before it gets there, and the processes before it, in the cgroup first, exit.
   */
  private boolean findFirstProcess(Seen s, Path cgroup) throws IOException {
    for (String line : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
      if (line.isBlank()) {
        continue;
      }
      Path pidDir = proc.resolve(line.trim());
      if (ContainerState.isNamespaceInit(Files.readString(pidDir.resolve("status")))) {
        long started = ProcStatParser.startTime(Files.readString(pidDir.resolve("stat")));
        synchronized (this) {
          s.pid = Long.parseLong(line.trim());
          s.startNanos = clock.nanoTimeOfTicks(started);
        }
        return true;
      }
    }
    return false;
  }

  private Collection<String> podDirs() throws IOException {
    Collection<String> pods = new HashSet<>();
    for (String name : childDirs(qosDir)) {
      if (name.startsWith("pod")) {
        pods.add(name);
      }
    }
    return pods;
  }

  private static List<String> childDirs(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    }
    return names;
  }
}

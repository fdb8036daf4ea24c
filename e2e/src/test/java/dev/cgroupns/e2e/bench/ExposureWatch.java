package dev.cgroupns.e2e.bench;

import dev.cgroupns.agent.proc.MountInfo;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcStatParser;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Watches, from the host, every container the kubelet starts under one QoS directory of the memory
 * hierarchy (e.g. /sys/fs/cgroup/memory/kubepods/besteffort), in a loop of its own thread: finds
 * each container's first process in its cgroup's cgroup.procs, reads when it started, and notes the
 * first moment it saw it running its own command exposed, and the first it saw it isolated ({@link
 * ContainerState}). Pod directories present when the watch starts are ignored.
 *
 * <p>Each sweep lists only the pods not yet done and looks at the containers still in runc's init;
 * a container that runs its own command exposed is looked at again when its mount table changes
 * ({@link MountTableChanges}), and between sweeps the loop waits for that. The bench's pods have
 * one container each, so a pod whose container is done is not listed again. The thread's CPU time
 * is kept, so the bench can say what the instrument took from the machine it measures.
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

  private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");

  /** A container running its own command exposed, waiting for its mounts to change. */
  private record Running(Seen seen, String ownCgroup) {}

  private final Path memoryRoot;
  private final Path qosDir;
  private final String qosCgroup;
  private final Path proc;
  private final BootClock clock;
  private final long pauseNanos;
  private final MountTableChanges changes;
  private final Set<String> ignoredPods;
  private final Set<String> donePods = new HashSet<>();
  private final Map<String, Seen> seen = new LinkedHashMap<>();
  private final Map<Long, Running> running = new HashMap<>();
  private final List<Long> sweeps = new ArrayList<>();
  private final long startedNanos = System.nanoTime();
  private final Thread thread;
  private volatile boolean open = true;
  private volatile long cpuNanos;
  private volatile long endedNanos;

  /**
   * @param memoryRoot the memory hierarchy's mount, e.g. /sys/fs/cgroup/memory
   * @param qosCgroup the QoS class's cgroup under it, e.g. /kubepods/besteffort
   * @param pauseMicros how long the loop waits between sweeps (less when a mount table changes)
   * @param changes where changes of the followed mount tables come from; closed with the watch
   */
  ExposureWatch(
      Path memoryRoot,
      String qosCgroup,
      Path proc,
      BootClock clock,
      long pauseMicros,
      MountTableChanges changes)
      throws IOException {
    this.memoryRoot = memoryRoot;
    this.qosCgroup = qosCgroup;
    this.qosDir = memoryRoot.resolve(qosCgroup.substring(1));
    this.proc = proc;
    this.clock = clock;
    this.pauseNanos = TimeUnit.MICROSECONDS.toNanos(pauseMicros);
    this.changes = changes;
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

  /** How long each sweep over the watched containers took, in microseconds, waits left out. */
  synchronized List<Long> sweepMicros() {
    return List.copyOf(sweeps);
  }

  /** The watch thread's CPU time as a share of one core over its life; known once closed. */
  double coreShare() {
    long wall = endedNanos - startedNanos;
    return wall <= 0 ? 0 : (double) cpuNanos / wall;
  }

  @Override
  public void close() throws InterruptedException {
    open = false;
    thread.join(TimeUnit.SECONDS.toMillis(10));
    changes.close();
  }

  private void loop() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    while (open) {
      long start = System.nanoTime();
      try {
        sweep();
      } catch (IOException | RuntimeException e) {
        // A pod directory removed while listed: the next sweep sees the new state.
      }
      long swept = System.nanoTime();
      Set<Long> changed = changes.await(pauseNanos);
      long woken = System.nanoTime();
      changed.forEach(this::lookAgain);
      synchronized (this) {
        sweeps.add(TimeUnit.NANOSECONDS.toMicros(swept - start + System.nanoTime() - woken));
      }
    }
    cpuNanos = threads.getCurrentThreadCpuTime();
    endedNanos = System.nanoTime();
  }

  private void sweep() throws IOException {
    for (String pod : podDirs()) {
      if (ignoredPods.contains(pod) || donePods.contains(pod)) {
        continue;
      }
      List<String> containers;
      try {
        containers = containerDirs(qosDir.resolve(pod));
      } catch (IOException e) {
        continue; // the pod's directory went away while listed
      }
      for (String container : containers) {
        Seen s;
        synchronized (this) {
          s = seen.computeIfAbsent(container, c -> new Seen(pod.substring("pod".length()), c));
        }
        if (!s.done() && !running.containsKey(s.pid)) {
          look(s, qosCgroup + "/" + pod + "/" + container);
        }
        if (s.done() && !s.sandbox) {
          donePods.add(pod);
        }
      }
    }
    for (Running r : List.copyOf(running.values())) {
      if (!Files.exists(proc.resolve(Long.toString(r.seen().pid)))) {
        vanished(r.seen());
      }
    }
  }

  /** A container not yet seen running its own command: is it now, and how exposed? */
  private void look(Seen s, String ownCgroup) {
    try {
      if (s.pid == 0 && !findFirstProcess(s, memoryRoot.resolve(ownCgroup.substring(1)))) {
        return;
      }
      String cmdline = cmdline(s);
      if (ContainerState.isPause(cmdline)) {
        synchronized (this) {
          s.sandbox = true;
        }
        return;
      }
      if (ContainerState.isRuncInit(cmdline)) {
        return; // SETTING_UP: looked at again in the next sweep
      }
      // Followed before the read, so that a change after the read is reported.
      changes.follow(s.pid);
      running.put(s.pid, new Running(s, ownCgroup));
      note(s, ContainerState.of(cmdline, cgroupMounts(s), ownCgroup));
    } catch (IOException | RuntimeException e) {
      vanishedIfGone(s);
    }
  }

  /** A running container whose mount table may have changed. */
  private void lookAgain(long pid) {
    Running r = running.get(pid);
    if (r == null) {
      return;
    }
    try {
      note(r.seen(), ContainerState.of(cmdline(r.seen()), cgroupMounts(r.seen()), r.ownCgroup()));
    } catch (IOException | RuntimeException e) {
      vanishedIfGone(r.seen());
    }
  }

  private void note(Seen s, ContainerState state) {
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
    if (state == ContainerState.ISOLATED) {
      stopFollowing(s);
    }
  }

  private String cmdline(Seen s) throws IOException {
    return Files.readString(
        proc.resolve(Long.toString(s.pid)).resolve("cmdline"), StandardCharsets.ISO_8859_1);
  }

  private MountInfo cgroupMounts(Seen s) throws IOException {
    try (InputStream in =
        Files.newInputStream(proc.resolve(Long.toString(s.pid)).resolve("mountinfo"))) {
      return MountInfoParser.readCgroupMounts(in);
    }
  }

  private void vanishedIfGone(Seen s) {
    if (s.pid != 0 && !Files.exists(proc.resolve(Long.toString(s.pid)))) {
      vanished(s);
    }
  }

  private void vanished(Seen s) {
    synchronized (this) {
      s.vanished = true;
    }
    stopFollowing(s);
  }

  private void stopFollowing(Seen s) {
    if (running.remove(s.pid) != null) {
      changes.forget(s.pid);
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

  /** The pod directories: named "pod" and the UID; no control file of a cgroup starts so. */
  private Collection<String> podDirs() throws IOException {
    Collection<String> pods = new HashSet<>();
    if (!Files.isDirectory(qosDir)) {
      return pods;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(qosDir, "pod*")) {
      for (Path entry : entries) {
        pods.add(entry.getFileName().toString());
      }
    }
    return pods;
  }

  /**
   * A pod directory's container directories, told by name (containerd's IDs are 64 hex digits)
   * rather than by a stat of each of the cgroup's two dozen control files on every sweep.
   */
  private static List<String> containerDirs(Path pod) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(
            pod, e -> CONTAINER_ID.matcher(e.getFileName().toString()).matches())) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    }
    return names;
  }
}

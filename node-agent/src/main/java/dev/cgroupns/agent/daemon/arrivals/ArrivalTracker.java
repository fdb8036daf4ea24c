package dev.cgroupns.agent.daemon.arrivals;

import dev.cgroupns.agent.daemon.arrivals.ContainerArrivals.Arrival;
import dev.cgroupns.agent.discovery.ContainerCgroup;
import dev.cgroupns.agent.discovery.KubeletCgroupNames;
import dev.cgroupns.agent.proc.ProcFormatException;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows each container cgroup the node's kubelet pods gain, from its creation until its init has
 * finished setting the container up ({@link RuntimeInit#setUp}), then names it from the runtime's
 * bundle and records it as an arrival ({@link ContainerArrivals}), and asks for a pass. The pod
 * status would name the container only after the kubelet's next relist and status update, hundreds
 * of milliseconds later.
 *
 * <p>The container's name is the one thing the cgroup does not tell; the runtime wrote it into the
 * bundle's {@code config.json}, found from the working directory of the runtime's shim, the parent
 * of the container's init. Any doubt (no shim, no annotations, another pod's UID, a sandbox, too
 * many processes to tell the init) drops the arrival: the pod status path then acts as before, so
 * this only ever makes isolation earlier, never different.
 *
 * <p>Bounded: at most {@link #MAX_PENDING} cgroups followed at once, each for at most {@link
 * #GIVE_UP_AFTER}; a pod that makes cgroups by the thousand only fills its own share of the queue
 * until they time out.
 */
public final class ArrivalTracker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArrivalTracker.class);

  static final int MAX_PENDING = 256;
  static final Duration GIVE_UP_AFTER = Duration.ofSeconds(10);
  static final Duration POLL = Duration.ofMillis(5);

  /** A container's cgroup.procs larger than this is not read: its init cannot be told cheaply. */
  static final int MAX_PROCS_BYTES = 64 << 10;

  /** What became of a followed cgroup, for the meters. */
  public enum Outcome {
    RECORDED,
    SANDBOX,
    UNNAMED,
    GONE,
    GAVE_UP,
    OVERFLOW
  }

  /** Told of every outcome. */
  public interface Listener {
    void outcome(Outcome outcome);

    Listener NONE = outcome -> {};
  }

  private record Pending(ContainerCgroup cgroup, Path dir, Instant since) {}

  private final ProcFs procFs;
  private final ContainerArrivals arrivals;
  private final Runnable onArrival;
  private final Listener listener;
  private final Clock clock;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean closing;

  /**
   * @param onArrival asks for a pass; called on the tracker's thread
   */
  public ArrivalTracker(
      ProcFs procFs,
      ContainerArrivals arrivals,
      Runnable onArrival,
      Listener listener,
      Clock clock) {
    this.procFs = procFs;
    this.arrivals = arrivals;
    this.onArrival = onArrival;
    this.listener = listener;
    this.clock = clock;
    this.thread = new Thread(this::run, "node-agent-arrivals");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * A directory appeared in a pod's cgroup.
   *
   * @param dir the directory, under the agent's view of the hierarchy
   * @param cgroupPath its path from the hierarchy's root ("/kubepods/besteffort/pod.../ID")
   */
  public void created(Path dir, String cgroupPath) {
    Optional<ContainerCgroup> cgroup = KubeletCgroupNames.parse(cgroupPath);
    if (cgroup.isEmpty() || cgroup.get().podUid().isEmpty()) {
      return;
    }
    synchronized (pending) {
      if (pending.size() >= MAX_PENDING) {
        listener.outcome(Outcome.OVERFLOW);
        return;
      }
      pending.putIfAbsent(
          cgroup.get().containerId(), new Pending(cgroup.get(), dir, clock.instant()));
      pending.notifyAll();
    }
  }

  int pendingCount() {
    synchronized (pending) {
      return pending.size();
    }
  }

  private void run() {
    while (!closing) {
      List<Pending> round;
      synchronized (pending) {
        while (pending.isEmpty() && !closing) {
          try {
            pending.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        round = new ArrayList<>(pending.values());
      }
      for (Pending p : round) {
        Optional<Outcome> outcome;
        try {
          outcome = check(p);
        } catch (RuntimeException e) {
          // Never the thread's end: this one cgroup is left to the pod status path.
          LOG.warn("following container cgroup {} failed: {}", p.dir(), e.toString());
          outcome = Optional.of(Outcome.UNNAMED);
        }
        if (outcome.isEmpty() && clock.instant().isAfter(p.since().plus(GIVE_UP_AFTER))) {
          outcome = Optional.of(Outcome.GAVE_UP);
        }
        if (outcome.isPresent()) {
          synchronized (pending) {
            pending.remove(p.cgroup().containerId());
          }
          listener.outcome(outcome.get());
          if (outcome.get() == Outcome.RECORDED) {
            onArrival.run();
          }
        }
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Empty while the container is still being set up. */
  Optional<Outcome> check(Pending p) {
    try {
      if (!Files.isDirectory(p.dir())) {
        return Optional.of(Outcome.GONE);
      }
      Optional<List<Integer>> pids = pids(p.dir().resolve("cgroup.procs"));
      if (pids.isEmpty()) {
        return Optional.of(Outcome.UNNAMED);
      }
      ProcessIdentity init = null;
      for (int pid : pids.get()) {
        Optional<ProcessIdentity> identity = procFs.identity(pid);
        if (identity.isPresent()
            && (init == null || identity.get().startTime() < init.startTime())) {
          init = identity.get();
        }
      }
      if (init == null) {
        return Optional.empty();
      }
      int initPid = init.pid();
      if (!RuntimeInit.setUp(procFs.comm(initPid), () -> procFs.wchan(initPid))) {
        return Optional.empty();
      }
      int parent = procFs.parentPid(init.pid());
      if (parent <= 1) {
        return Optional.of(Outcome.UNNAMED); // no runtime's shim above it to name it
      }
      // The runtime moves its init into the cgroup before the init leaves the runtime's mount
      // namespace, the host's: until its mount namespace differs from its parent's, acting on it
      // would act on the host's mounts, whatever its name says.
      if (!inItsOwnMountNamespace(init.pid(), parent)) {
        return Optional.empty();
      }
      Optional<BundleAnnotations> bundle = bundle(parent, p.cgroup().containerId());
      if (bundle.isEmpty() || !bundle.get().podUid().equals(p.cgroup().podUid().get())) {
        return Optional.of(Outcome.UNNAMED);
      }
      if (bundle.get().sandbox()) {
        return Optional.of(Outcome.SANDBOX);
      }
      // The PID could have been reused while the bundle was read.
      if (!procFs.isAlive(init)) {
        return Optional.of(Outcome.GONE);
      }
      String id = p.cgroup().containerId();
      arrivals.arrived(
          new Arrival(
              bundle.get().podUid(),
              bundle.get().containerName(),
              id,
              bundle.get().statusScheme() + "://" + id,
              init,
              clock.instant()));
      LOG.debug(
          "container {} of pod {} set up (init {})",
          bundle.get().containerName(),
          bundle.get().podUid(),
          init.pid());
      return Optional.of(Outcome.RECORDED);
    } catch (ProcessVanishedException e) {
      return Optional.empty(); // the init exec'd or exited between reads: look again
    } catch (ProcFormatException | UncheckedIOException e) {
      return Optional.of(Outcome.UNNAMED);
    }
  }

  private boolean inItsOwnMountNamespace(int pid, int parent) {
    if (parent <= 0) {
      return false;
    }
    Optional<Long> own = procFs.namespaceInode(pid, "mnt");
    Optional<Long> parents = procFs.namespaceInode(parent, "mnt");
    return own.isPresent() && parents.isPresent() && !own.get().equals(parents.get());
  }

  /** The PIDs in a cgroup.procs; empty when it is too large to read whole or unreadable. */
  private static Optional<List<Integer>> pids(Path procs) {
    byte[] content;
    try {
      content = readAtMost(procs, MAX_PROCS_BYTES);
    } catch (IOException e) {
      return Optional.of(List.of());
    }
    if (content == null) {
      return Optional.empty();
    }
    List<Integer> pids = new ArrayList<>();
    for (String line : new String(content, StandardCharsets.US_ASCII).split("\n")) {
      if (!line.isEmpty()) {
        try {
          pids.add(Integer.parseInt(line.strip()));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(pids);
  }

  /**
   * The annotations of the container's bundle, found from its shim's working directory. containerd
   * runs one shim per pod, in the sandbox's bundle; every container's bundle is a sibling named
   * after its ID. A runtime with one monitor per container runs it in the container's own bundle.
   */
  private Optional<BundleAnnotations> bundle(int shimPid, String containerId) {
    if (shimPid <= 1) {
      return Optional.empty();
    }
    Path cwd = procFs.pidDir(shimPid).resolve("cwd");
    // The ID is 64 hex digits (checked when the cgroup was parsed): no path can hide in it.
    for (Path config :
        List.of(
            cwd.resolve("..").resolve(containerId).resolve("config.json"),
            cwd.resolve("config.json"))) {
      try {
        byte[] content = readAtMost(config, BundleAnnotations.MAX_BYTES);
        if (content != null) {
          return BundleAnnotations.parse(content);
        }
      } catch (IOException e) {
        // not this layout; try the next
      }
    }
    return Optional.empty();
  }

  /** The file's bytes, or null when it holds more than {@code max}. */
  static byte[] readAtMost(Path file, int max) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes(max + 1);
      return content.length > max ? null : content;
    }
  }

  @Override
  public void close() {
    closing = true;
    thread.interrupt();
    synchronized (pending) {
      pending.clear();
      pending.notifyAll();
    }
  }
}

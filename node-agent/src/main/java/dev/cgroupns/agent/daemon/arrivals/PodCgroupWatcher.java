package dev.cgroupns.agent.daemon.arrivals;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one cgroup hierarchy of the node (inotify, through the JDK's watch service) for the
 * kubelet's pod cgroups and the container cgroups the runtime makes in them, and hands each new
 * container directory on. The kubelet's QoS directories are watched for pods, each pod directory
 * for containers; nothing is written. When the kernel's event queue overflows, the pod directories
 * are listed again; containers made meanwhile are left to the pod status path.
 */
public final class PodCgroupWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodCgroupWatcher.class);

  /** At most this many pod directories are watched (a node runs at most a few hundred pods). */
  static final int MAX_PODS = 2048;

  /** The kubelet's QoS levels, cgroupfs and systemd drivers. */
  private static final Pattern QOS =
      Pattern.compile("kubepods|burstable|besteffort|kubepods(-burstable|-besteffort)?\\.slice");

  /** A pod's cgroup: {@code pod<uid>} or {@code kubepods[-qos]-pod<uid_>.slice}. */
  private static final Pattern POD =
      Pattern.compile(
          "pod[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
              + "|kubepods(-burstable|-besteffort)?-pod[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_"
              + "[0-9a-f]{4}_[0-9a-f]{12}\\.slice");

  /** Where the kubelet's tree starts, for each driver. */
  private static final List<String> TOPS = List.of("kubepods", "kubepods.slice");

  /** The hierarchies to try, in order: cgroup2 at the root, then v1 ones every pod is in. */
  private static final List<String> HIERARCHIES =
      List.of("", "pids", "memory", "cpu,cpuacct", "cpu", "systemd", "unified");

  private enum Level {
    QOS,
    POD
  }

  private record Watched(Path dir, Level level) {}

  private final Path hierarchy;
  private final BiConsumer<Path, String> containerCreated;
  private final WatchService watcher;
  private final Map<WatchKey, Watched> keys = new HashMap<>();
  private final Thread thread;
  private volatile boolean closing;

  private PodCgroupWatcher(
      Path hierarchy, WatchService watcher, BiConsumer<Path, String> containerCreated) {
    this.hierarchy = hierarchy;
    this.watcher = watcher;
    this.containerCreated = containerCreated;
    this.thread = new Thread(this::run, "node-agent-cgroup-watch");
    thread.setDaemon(true);
  }

  /**
   * A watcher on the first hierarchy under {@code cgroupRoot} that holds the kubelet's tree; empty
   * when none does (not a kubelet node, or its cgroups not mounted where the agent looks).
   *
   * @param containerCreated told of each new directory in a pod's cgroup, and its path from the
   *     hierarchy's root
   */
  public static Optional<PodCgroupWatcher> open(
      Path cgroupRoot, BiConsumer<Path, String> containerCreated) throws IOException {
    Optional<Path> hierarchy = hierarchyWithPods(cgroupRoot);
    if (hierarchy.isEmpty()) {
      return Optional.empty();
    }
    PodCgroupWatcher watch =
        new PodCgroupWatcher(
            hierarchy.get(), FileSystems.getDefault().newWatchService(), containerCreated);
    for (String top : TOPS) {
      Path dir = hierarchy.get().resolve(top);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        watch.registerTree(dir);
      }
    }
    return Optional.of(watch);
  }

  static Optional<Path> hierarchyWithPods(Path cgroupRoot) {
    for (String name : HIERARCHIES) {
      Path hierarchy = name.isEmpty() ? cgroupRoot : cgroupRoot.resolve(name);
      for (String top : TOPS) {
        if (Files.isDirectory(hierarchy.resolve(top), LinkOption.NOFOLLOW_LINKS)) {
          return Optional.of(hierarchy);
        }
      }
    }
    return Optional.empty();
  }

  public Path hierarchy() {
    return hierarchy;
  }

  public void start() {
    thread.start();
  }

  int watchedPods() {
    synchronized (keys) {
      return (int) keys.values().stream().filter(w -> w.level() == Level.POD).count();
    }
  }

  /** A QoS directory and the QoS and pod directories below it, as they are now. */
  private void registerTree(Path qosDir) {
    register(qosDir, Level.QOS);
    try (Stream<Path> children = Files.list(qosDir)) {
      for (Path child : children.toList()) {
        classify(child)
            .ifPresent(
                level -> {
                  if (level == Level.QOS) {
                    registerTree(child);
                  } else {
                    register(child, Level.POD);
                  }
                });
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", qosDir, e.toString());
    }
  }

  private static Optional<Level> classify(Path dir) {
    String name = dir.getFileName().toString();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    if (QOS.matcher(name).matches()) {
      return Optional.of(Level.QOS);
    }
    return POD.matcher(name).matches() ? Optional.of(Level.POD) : Optional.empty();
  }

  private void register(Path dir, Level level) {
    synchronized (keys) {
      if (level == Level.POD && watchedPods() >= MAX_PODS) {
        return;
      }
      try {
        keys.put(dir.register(watcher, ENTRY_CREATE), new Watched(dir, level));
      } catch (IOException e) {
        LOG.debug("cannot watch {}: {}", dir, e.toString());
      }
    }
  }

  private void run() {
    while (!closing) {
      WatchKey key;
      try {
        key = watcher.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Watched watched;
      synchronized (keys) {
        watched = keys.get(key);
      }
      if (watched == null) {
        key.cancel();
        continue;
      }
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == OVERFLOW) {
          rescan();
          continue;
        }
        Path child = watched.dir().resolve((Path) event.context());
        if (watched.level() == Level.POD) {
          if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
            containerCreated.accept(child, "/" + hierarchy.relativize(child));
          }
        } else {
          classify(child)
              .ifPresent(
                  level -> {
                    if (level == Level.QOS) {
                      registerTree(child);
                    } else {
                      register(child, Level.POD);
                      // Its first containers may have been made before the watch was in place.
                      containersIn(child);
                    }
                  });
        }
      }
      if (!key.reset()) {
        // The directory went (its pod was removed).
        synchronized (keys) {
          keys.remove(key);
        }
      }
    }
  }

  private void containersIn(Path podDir) {
    try (Stream<Path> children = Files.list(podDir)) {
      for (Path child : children.toList()) {
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          containerCreated.accept(child, "/" + hierarchy.relativize(child));
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", podDir, e.toString());
    }
  }

  private void rescan() {
    LOG.warn("the cgroup watch lost events (inotify queue overflow); listing the pods again");
    for (String top : TOPS) {
      Path dir = hierarchy.resolve(top);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        registerTree(dir);
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    try {
      watcher.close();
    } catch (IOException e) {
      LOG.debug("closing the cgroup watch: {}", e.toString());
    }
    thread.interrupt();
  }
}

package dev.cgroupns.agent.daemon.arrivals;

import dev.cgroupns.agent.proc.ProcFs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own word on new containers: the cgroup watch, the tracker that waits for each to start
 * and names it, and the arrivals a pass reads. Without a kubelet tree where the agent looks, or
 * without inotify, there is none, and the pod status alone tells the agent of containers.
 */
public final class NodeArrivals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeArrivals.class);

  private final ContainerArrivals arrivals;
  private final PodCgroupWatcher watcher;
  private final ArrivalTracker tracker;

  private NodeArrivals(
      ContainerArrivals arrivals, PodCgroupWatcher watcher, ArrivalTracker tracker) {
    this.arrivals = arrivals;
    this.watcher = watcher;
    this.tracker = tracker;
  }

  /**
   * @param onArrival asks the daemon for a pass
   */
  public static Optional<NodeArrivals> open(
      Path cgroupRoot, ProcFs procFs, Runnable onArrival, MeterRegistry registry, Clock clock) {
    ContainerArrivals arrivals = new ContainerArrivals(procFs::isAlive);
    ArrivalTracker tracker =
        new ArrivalTracker(procFs, arrivals, onArrival, meters(registry), clock);
    try {
      Optional<PodCgroupWatcher> watcher = PodCgroupWatcher.open(cgroupRoot, tracker::created);
      if (watcher.isEmpty()) {
        LOG.warn(
            "no kubelet cgroups under {}: new containers are learnt of from the pod status only",
            cgroupRoot);
        return Optional.empty();
      }
      return Optional.of(new NodeArrivals(arrivals, watcher.get(), tracker));
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn(
          "cannot watch the cgroups under {} ({}): new containers are learnt of from the pod"
              + " status only",
          cgroupRoot,
          e.toString());
      return Optional.empty();
    }
  }

  private static ArrivalTracker.Listener meters(MeterRegistry registry) {
    Map<ArrivalTracker.Outcome, Counter> counters = new EnumMap<>(ArrivalTracker.Outcome.class);
    for (ArrivalTracker.Outcome outcome : ArrivalTracker.Outcome.values()) {
      counters.put(
          outcome,
          Counter.builder("cgroupns.agent.arrivals")
              .description("Container cgroups seen appearing on the node, by what became of them")
              .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    return outcome -> counters.get(outcome).increment();
  }

  public ContainerArrivals.Lookup lookup() {
    return arrivals.lookup();
  }

  public void start() {
    tracker.start();
    watcher.start();
    LOG.info("watching {} for new containers", watcher.hierarchy());
  }

  @Override
  public void close() {
    watcher.close();
    tracker.close();
  }
}

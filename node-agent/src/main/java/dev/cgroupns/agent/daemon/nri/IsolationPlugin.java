package dev.cgroupns.agent.daemon.nri;

import dev.cgroupns.agent.daemon.nri.CreationDecision.Kind;
import dev.cgroupns.agent.daemon.nri.CreationDecision.Outcome;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.nri.EventMask;
import dev.cgroupns.nri.Plugin;
import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.ContainerUpdate;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.Event;
import dev.cgroupns.nri.api.PodSandbox;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's NRI plugin: asks {@link CreationDecision} about every container the runtime creates,
 * and answers with its adjustment. It never makes the runtime fail a container: any fault, and any
 * decision that took too long, is answered with no adjustment at all, and the remount path isolates
 * the container once it runs.
 */
public final class IsolationPlugin implements Plugin {
  private static final Logger LOG = LoggerFactory.getLogger(IsolationPlugin.class);

  /**
   * An answer later than this is given up for none: the runtime waits 2 s by default, and a late
   * adjustment risks the runtime dropping the connection and creating the container without it.
   */
  static final Duration ANSWER_BUDGET = Duration.ofMillis(500);

  private final CreationDecision decision;
  private final Supplier<? extends Collection<CgroupIsolationNode>> objects;
  private final AtCreationLedger ledger;
  private final Listener listener;

  /** What the plugin did, for metrics and tests. */
  public interface Listener {
    /**
     * @param kind the decision, or LEAVE when it failed or came too late
     * @param took from the request's arrival to the answer
     */
    void answered(Kind kind, Duration took);

    Listener NONE = (kind, took) -> {};
  }

  /**
   * @param objects the node objects as the agent's watch caches them now
   */
  public IsolationPlugin(
      CreationDecision decision,
      Supplier<? extends Collection<CgroupIsolationNode>> objects,
      AtCreationLedger ledger,
      Listener listener) {
    this.decision = decision;
    this.objects = objects;
    this.ledger = ledger;
    this.listener = listener;
  }

  @Override
  public EventMask configure(ConfigureRequest request) {
    return EventMask.of(Event.CREATE_CONTAINER, Event.REMOVE_CONTAINER);
  }

  @Override
  public CreateContainerResponse createContainer(PodSandbox pod, Container container) {
    long start = System.nanoTime();
    CreateContainerResponse response = CreateContainerResponse.getDefaultInstance();
    Kind kind = Kind.LEAVE;
    try {
      Outcome outcome = decision.decide(NriMessages.creating(pod, container), objects.get());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (took.compareTo(ANSWER_BUDGET) > 0) {
        LOG.warn(
            "deciding about container {} of pod {}/{} took {} ms; it is left to remounting",
            container.getName(),
            pod.getNamespace(),
            pod.getName(),
            took.toMillis());
      } else if (outcome.kind() == Kind.ADJUST) {
        response = NriMessages.response(outcome.adjustment());
        ledger.adjusted(
            container.getId(),
            new AtCreationLedger.Entry(
                pod.getUid(), container.getName(), outcome.adjustment().readOnly()));
        kind = Kind.ADJUST;
        LOG.info(
            "isolating container {} of pod {}/{} at creation for {}: {}",
            container.getName(),
            pod.getNamespace(),
            pod.getName(),
            outcome.objects(),
            outcome.reason());
      } else if (outcome.kind() == Kind.WOULD_ADJUST) {
        kind = Kind.WOULD_ADJUST;
        LOG.info(
            "audit: container {} of pod {}/{} would be created with {} ({})",
            container.getName(),
            pod.getNamespace(),
            pod.getName(),
            outcome.reason(),
            outcome.objects());
      }
    } catch (RuntimeException | Error e) {
      // An exception here would fail the container's creation: answer none instead.
      LOG.error(
          "deciding about container {} of pod {}/{} failed; it is left to remounting",
          container.getName(),
          pod.getNamespace(),
          pod.getName(),
          e);
      response = CreateContainerResponse.getDefaultInstance();
      kind = Kind.LEAVE;
    }
    listener.answered(kind, Duration.ofNanos(System.nanoTime() - start));
    return response;
  }

  /**
   * The runtime's containers when the plugin (re)registers: those it marked at their creation go
   * back into the ledger, so a restarted agent still reports them as isolated at creation.
   */
  @Override
  public List<ContainerUpdate> synchronize(List<PodSandbox> pods, List<Container> containers) {
    Map<String, String> podUids = new HashMap<>();
    pods.forEach(p -> podUids.put(p.getId(), p.getUid()));
    int marked = 0;
    for (Container container : containers) {
      Optional<Boolean> readOnly = NriMessages.markedReadOnly(container);
      if (readOnly.isPresent()) {
        ledger.adjusted(
            container.getId(),
            new AtCreationLedger.Entry(
                podUids.get(container.getPodSandboxId()), container.getName(), readOnly.get()));
        marked++;
      }
    }
    LOG.info(
        "the runtime runs {} containers, {} of them isolated at creation by this plugin",
        containers.size(),
        marked);
    if (marked > 0) {
      ledger.restored();
    }
    return List.of();
  }

  @Override
  public void removeContainer(PodSandbox pod, Container container) {
    ledger.removed(container.getId());
  }
}

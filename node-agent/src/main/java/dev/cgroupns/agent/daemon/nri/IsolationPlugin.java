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
import dev.cgroupns.nri.api.StateChangeEvent;
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
 * the container once it runs. When the runtime refuses its adjustments (a validator rejecting
 * namespace adjustments fails the adjusted creation, and the kubelet retries), it sees the retry
 * ({@link RefusalDetector}) and adjusts nothing more until it registers again.
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
  private final RefusalDetector refusals = new RefusalDetector();

  /** What the plugin did, for status, metrics and tests. */
  public interface Listener {
    /**
     * @param kind the decision, or LEAVE when it failed, came too late, or the runtime refuses
     *     adjustments
     * @param took from the request's arrival to the answer
     */
    void answered(Kind kind, Duration took);

    /** The plugin is registering with the runtime (again): it adjusts containers anew. */
    default void registering() {}

    /**
     * The runtime refused an adjusted creation; no container is adjusted on this connection.
     *
     * @param reason one sentence naming the container and saying the likely cause
     */
    default void refused(String reason) {}

    Listener NONE = (kind, took) -> {};

    /** Tells both, {@code first} first. */
    static Listener both(Listener first, Listener second) {
      return new Listener() {
        @Override
        public void answered(Kind kind, Duration took) {
          first.answered(kind, took);
          second.answered(kind, took);
        }

        @Override
        public void registering() {
          first.registering();
          second.registering();
        }

        @Override
        public void refused(String reason) {
          first.refused(reason);
          second.refused(reason);
        }
      };
    }
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

  /**
   * Subscribes to creations, to POST_CREATE_CONTAINER, which alone tells that an adjusted creation
   * went through, so that a refused one can be told apart ({@link RefusalDetector}), and to
   * removals for the ledger. Called at each registration: a runtime that restarted may have another
   * configuration, so a refusal seen before is forgotten.
   */
  @Override
  public EventMask configure(ConfigureRequest request) {
    refusals.reset();
    listener.registering();
    return EventMask.of(
        Event.CREATE_CONTAINER, Event.POST_CREATE_CONTAINER, Event.REMOVE_CONTAINER);
  }

  @Override
  public CreateContainerResponse createContainer(PodSandbox pod, Container container) {
    long start = System.nanoTime();
    CreateContainerResponse response = CreateContainerResponse.getDefaultInstance();
    Kind kind = Kind.LEAVE;
    try {
      RefusalDetector.Verdict verdict =
          refusals.creating(pod.getUid(), container.getName(), container.getId());
      Outcome outcome =
          verdict == RefusalDetector.Verdict.PROCEED
              ? decision.decide(NriMessages.creating(pod, container), objects.get())
              : null;
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (outcome == null) {
        if (verdict == RefusalDetector.Verdict.REFUSED_NOW) {
          refused(pod, container);
        }
      } else if (took.compareTo(ANSWER_BUDGET) > 0) {
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
        refusals.adjusted(pod.getUid(), container.getName(), container.getId());
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

  /**
   * The runtime failed the creation of an adjusted container, and retries it: the adjustment is the
   * likely cause. Said once per connection; the container and every later one are created as the
   * runtime makes them, and isolated by remounting.
   */
  private void refused(PodSandbox pod, Container container) {
    RefusalDetector.Refusal refusal = refusals.refusal().orElseThrow();
    ledger.removed(refusal.containerId());
    // The cause first: the status keeps 256 characters (the log all), and names may be long.
    String reason =
        "a validator rejects namespace adjustments, likely containerd's NRI default_validator"
            + " reject_namespace_adjustment: the runtime refused adjusted container "
            + container.getName()
            + " of pod "
            + pod.getNamespace()
            + "/"
            + pod.getName()
            + "; remounting until the plugin registers again";
    LOG.warn("{}", reason);
    listener.refused(reason);
  }

  @Override
  public void stateChange(StateChangeEvent event) {
    switch (event.getEvent()) {
      case POST_CREATE_CONTAINER -> refusals.created(event.getContainer().getId());
      case REMOVE_CONTAINER -> removeContainer(event.getPod(), event.getContainer());
      default -> {}
    }
  }

  /**
   * A container is gone. Not the end of a pending creation: containerd also removes, from its
   * plugins' view, a creation the validator refused ({@link RefusalDetector}).
   */
  @Override
  public void removeContainer(PodSandbox pod, Container container) {
    ledger.removed(container.getId());
  }
}

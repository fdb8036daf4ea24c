package dev.cgroupns.agent.daemon.api;

import dev.cgroupns.agent.daemon.events.ContainerEvent;
import dev.cgroupns.agent.daemon.events.EventBudget;
import dev.cgroupns.agent.daemon.events.EventRecorder;
import dev.cgroupns.agent.daemon.ops.AgentMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the agent's core/v1 Events on pods, the way the operator records its own (one create per
 * event, never a read first), with what an agent on every node needs on top:
 *
 * <ul>
 *   <li>the node's {@link EventBudget} decides, at once and in the caller's thread, whether an
 *       event is sent at all;
 *   <li>the create runs on one sender thread (started on demand, gone when idle) behind a short
 *       queue, so a slow or failing API server never delays or fails an isolation: a full queue or
 *       an error drops the event, counted in {@code cgroupns_agent_events_total{result}};
 *   <li>the reporting component is the agent and the reporting instance its node, so {@code kubectl
 *       describe pod} tells which node's agent acted.
 * </ul>
 *
 * Names are {@code <pod>.<hex time>}, as the kubelet names its own: unique without a read.
 */
public final class PodEventWriter implements EventRecorder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodEventWriter.class);

  /** The Event's source and reporting component: the DaemonSet's name. */
  public static final String COMPONENT = "cgroup-isolation-node-agent";

  /** The API server's limit for reportingInstance. */
  static final int MAX_INSTANCE = 128;

  static final int QUEUE = 64;

  private final KubernetesClient client;
  private final String instance;
  private final EventBudget budget;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final ThreadPoolExecutor sender;
  private final AtomicLong sequence = new AtomicLong();

  public PodEventWriter(
      KubernetesClient client,
      String nodeName,
      EventBudget.Limits limits,
      AgentMetrics metrics,
      Clock clock) {
    this.client = client;
    this.instance =
        nodeName.length() > MAX_INSTANCE ? nodeName.substring(0, MAX_INSTANCE) : nodeName;
    this.budget = new EventBudget(limits, clock.instant());
    this.metrics = metrics;
    this.clock = clock;
    this.sender =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread thread = new Thread(r, "node-agent-events");
              thread.setDaemon(true);
              return thread;
            });
    sender.allowCoreThreadTimeOut(true);
  }

  @Override
  public void record(ContainerEvent event) {
    try {
      Instant now = clock.instant();
      switch (budget.admit(event, now)) {
        case DUPLICATE -> metrics.event(AgentMetrics.EventResult.Duplicate);
        case RATE_LIMITED -> {
          metrics.event(AgentMetrics.EventResult.RateLimited);
          LOG.debug(
              "event {} on {}/{} over the node's rate",
              event.reason(),
              event.namespace(),
              event.pod());
        }
        case SEND -> sender.execute(() -> send(event, now));
      }
    } catch (RejectedExecutionException e) {
      metrics.event(AgentMetrics.EventResult.Dropped);
    } catch (RuntimeException e) {
      metrics.event(AgentMetrics.EventResult.Failed);
      LOG.warn("event {} not recorded: {}", event.reason(), e.toString());
    }
  }

  private void send(ContainerEvent event, Instant at) {
    try {
      client.v1().events().inNamespace(event.namespace()).resource(toEvent(event, at)).create();
      metrics.event(AgentMetrics.EventResult.Written);
    } catch (RuntimeException e) {
      metrics.event(AgentMetrics.EventResult.Failed);
      LOG.warn(
          "could not record event {} on pod {}/{}: {}",
          event.reason(),
          event.namespace(),
          event.pod(),
          e.getMessage());
    }
  }

  Event toEvent(ContainerEvent event, Instant at) {
    String time = at.truncatedTo(ChronoUnit.SECONDS).toString();
    long unique = at.getEpochSecond() * 1_000_000_000L + at.getNano() + sequence.incrementAndGet();
    return new EventBuilder()
        .withNewMetadata()
        .withName(eventName(event.pod(), unique))
        .withNamespace(event.namespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("v1")
        .withKind("Pod")
        .withName(event.pod())
        .withNamespace(event.namespace())
        .withUid(event.podUid())
        .withFieldPath(
            event.container() == null ? null : "spec.containers{" + event.container() + "}")
        .endInvolvedObject()
        .withType(event.type().name())
        .withReason(event.reason())
        .withAction(event.action())
        .withMessage(event.message())
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .withNewSource()
        .withComponent(COMPONENT)
        .withHost(instance)
        .endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(instance)
        .build();
  }

  /** {@code <pod>.<hex>}: a pod name is a DNS subdomain of at most 253 characters; so is this. */
  static String eventName(String pod, long unique) {
    String suffix = "." + Long.toHexString(unique);
    String prefix =
        pod.length() > 253 - suffix.length() ? pod.substring(0, 253 - suffix.length()) : pod;
    int end = prefix.length();
    while (end > 0 && (prefix.charAt(end - 1) == '-' || prefix.charAt(end - 1) == '.')) {
      end--;
    }
    return prefix.substring(0, end) + suffix;
  }

  /** Sends what is queued, for a short while at most, then stops. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(2, TimeUnit.SECONDS)) {
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sender.shutdownNow();
    }
  }
}

package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.Problem;
import dev.cgroupns.operator.config.OperatorSettings;
import dev.cgroupns.operator.events.EventRecorder;
import dev.cgroupns.operator.status.Aggregate;
import dev.cgroupns.operator.status.ConditionCalculator;
import dev.cgroupns.operator.status.StatusAggregator;
import dev.cgroupns.operator.status.Verdict;
import dev.cgroupns.operator.targets.DesiredNodeObjects;
import dev.cgroupns.operator.targets.Resolution;
import dev.cgroupns.operator.targets.SkippedPod;
import dev.cgroupns.operator.targets.TargetResolver;
import dev.cgroupns.operator.validation.CgroupIsolationValidator;
import dev.cgroupns.operator.validation.Violation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orchestrates one CgroupIsolation: validate, resolve targets, instruct the node agents through the
 * node objects, aggregate their results into the status. Each step is a pure function tested on its
 * own; this class only wires them to the caches and the API.
 *
 * <p>Deletion waits for the agents to revert (see {@link #cleanup}); the finalizer is managed by
 * the framework because this class is a {@link Cleaner}.
 */
@ControllerConfiguration(
    name = CgroupIsolationReconciler.NAME,
    finalizerName = CgroupIsolationReconciler.FINALIZER,
    // Replaced by worthReconciling, which also lets the force-delete annotation through.
    generationAwareEventProcessing = false,
    // A safety net only: every change that matters arrives as an event.
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
// At most 5 reconciliations per second per CgroupIsolation: events arriving meanwhile (a rollout of
// hundreds of pods) coalesce into the next one, so status and node-object writes grow with time,
// not with pod churn. See the README's Scale section.
@RateLimited(maxReconciliations = 5, within = 1, unit = TimeUnit.SECONDS)
public class CgroupIsolationReconciler
    implements Reconciler<CgroupIsolation>, Cleaner<CgroupIsolation> {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupIsolationReconciler.class);

  public static final String NAME = "cgroupisolation";
  public static final String FINALIZER = ApiGroup.GROUP + "/revert";

  /** Set to "true" on a CgroupIsolation to release its finalizer without waiting for agents. */
  public static final String FORCE_DELETE_ANNOTATION = ApiGroup.GROUP + "/force-delete";

  /** Bounds per reconciliation, so one bad rollout cannot flood the API with events. */
  static final int MAX_POD_EVENTS = 20;

  static final int MAX_NODES_NAMED = 20;

  public static final String REASON_REVERTING = "Reverting";

  /** How often deletion re-checks the agents when no event arrives. */
  static final Duration REVERT_POLL = Duration.ofSeconds(15);

  private final CgroupIsolationValidator validator;
  private final Duration revertTimeout;
  private final EventRecorder events;
  private final Clock clock;
  private volatile IsolationEventSources sources;
  private volatile NodeObjectWriter writer;

  public CgroupIsolationReconciler(OperatorSettings settings, EventRecorder events, Clock clock) {
    this.validator = new CgroupIsolationValidator(settings.allowReadWrite());
    this.revertTimeout = settings.revertTimeout();
    this.events = events;
    this.clock = clock;
  }

  /**
   * Which updates of a CgroupIsolation need a reconciliation: spec changes (a new generation),
   * finalizer changes (the framework adds the finalizer, then waits for that update to reconcile),
   * the start of deletion, and the force-delete annotation. Status updates, most of them our own,
   * do not.
   */
  public static boolean worthReconciling(CgroupIsolation newer, CgroupIsolation older) {
    return !Objects.equals(newer.getMetadata().getGeneration(), older.getMetadata().getGeneration())
        || !Objects.equals(newer.getMetadata().getFinalizers(), older.getMetadata().getFinalizers())
        || newer.isMarkedForDeletion()
        || forceDelete(newer) != forceDelete(older);
  }

  private static boolean forceDelete(CgroupIsolation isolation) {
    Map<String, String> annotations = isolation.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(FORCE_DELETE_ANNOTATION));
  }

  @Override
  public List<EventSource<?, CgroupIsolation>> prepareEventSources(
      EventSourceContext<CgroupIsolation> context) {
    sources = new IsolationEventSources(context);
    writer = new NodeObjectWriter(context.getClient());
    return List.copyOf(sources.all());
  }

  @Override
  public UpdateControl<CgroupIsolation> reconcile(
      CgroupIsolation isolation, Context<CgroupIsolation> context) {
    long generation = Objects.requireNonNullElse(isolation.getMetadata().getGeneration(), 0L);
    CgroupIsolationStatus previous = isolation.getStatus();
    List<Condition> previousConditions = previous == null ? List.of() : previous.conditions;

    List<Violation> violations = validator.validate(isolation);
    if (!violations.isEmpty()) {
      // Nothing is applied: the node objects keep the last valid instructions.
      Verdict verdict = ConditionCalculator.refused(violations);
      events.warning(isolation, verdict.reason(), verdict.message());
      CgroupIsolationStatus status =
          previous == null ? new CgroupIsolationStatus() : copy(previous);
      return withStatus(isolation, previous, status, verdict, generation, previousConditions);
    }

    Set<String> liveNodes = sources.liveNodes();
    String namespace = isolation.getMetadata().getNamespace();
    Resolution resolution = TargetResolver.resolve(isolation, sources.podsIn(namespace), liveNodes);
    List<CgroupIsolationNode> desired = DesiredNodeObjects.build(isolation, resolution);
    Collection<CgroupIsolationNode> existing =
        context.getSecondaryResources(CgroupIsolationNode.class);
    InstructionPlan plan = InstructionPlan.plan(isolation, desired, existing, liveNodes);
    Collection<CgroupIsolationNode> current = write(plan, existing);

    Aggregate aggregate = StatusAggregator.aggregate(resolution.podsByNode(), current);
    Verdict verdict = ConditionCalculator.verdict(aggregate, isolation.getSpec().mode);
    announce(isolation, previousConditions, verdict, resolution, aggregate);
    return withStatus(
        isolation, previous, aggregate.status(), verdict, generation, previousConditions);
  }

  /**
   * Deletion: every node object is switched to Revert, and the finalizer stays until each agent
   * confirms (it acted on the Revert generation and no container is left isolated). Nodes that left
   * the cluster need no confirmation. Agents that stay silent past the revert timeout, or the
   * force-delete annotation, release the finalizer anyway, with a Warning event naming the nodes
   * that never confirmed, so deletion cannot hang forever.
   */
  @Override
  public DeleteControl cleanup(CgroupIsolation isolation, Context<CgroupIsolation> context) {
    Set<String> liveNodes = sources.liveNodes();
    List<CgroupIsolationNode> objects =
        new ArrayList<>(context.getSecondaryResources(CgroupIsolationNode.class));
    if (forceDelete(isolation)) {
      List<String> unconfirmed = unconfirmedNodes(objects, liveNodes);
      events.warning(
          isolation,
          "ForceDeleted",
          "released at once by the "
              + FORCE_DELETE_ANNOTATION
              + " annotation; "
              + (unconfirmed.isEmpty()
                  ? "every agent had confirmed its revert"
                  : "containers may remain isolated on nodes that never confirmed: "
                      + namesOf(unconfirmed)));
      deleteAll(objects);
      return DeleteControl.defaultDelete();
    }

    List<CgroupIsolationNode> current = new ArrayList<>();
    for (CgroupIsolationNode object : objects) {
      boolean live = liveNodes.contains(object.getSpec().nodeName);
      if (live && object.getSpec().action != NodeAction.Revert) {
        current.add(writer.markRevert(object));
      } else {
        current.add(object);
      }
    }
    List<String> unconfirmed = unconfirmedNodes(current, liveNodes);
    if (unconfirmed.isEmpty()) {
      if (!current.isEmpty()) {
        events.normal(
            isolation,
            "Reverted",
            "every agent confirmed its revert on " + current.size() + " node(s)");
      }
      deleteAll(current);
      return DeleteControl.defaultDelete();
    }
    Instant deadline = deletionTime(isolation).plus(revertTimeout);
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      events.warning(
          isolation,
          "RevertUnconfirmed",
          "released after waiting "
              + revertTimeout.toSeconds()
              + "s; containers may remain isolated on nodes whose agent never confirmed: "
              + namesOf(unconfirmed));
      deleteAll(current);
      return DeleteControl.defaultDelete();
    }
    reportReverting(isolation, context, unconfirmed, left);
    LOG.info(
        "{}/{}: waiting up to {}s for agents on {} node(s) to confirm the revert",
        isolation.getMetadata().getNamespace(),
        isolation.getMetadata().getName(),
        left.toSeconds(),
        unconfirmed.size());
    long wait = Math.min(left.toMillis(), REVERT_POLL.toMillis());
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(Math.max(wait, 1));
  }

  /**
   * Shows a deletion in progress in the status (Reconciling/Reverting), so that kubectl and GitOps
   * tools see why the resource lingers. Written only when the conditions change; a failure here
   * only loses the courtesy, never the revert.
   */
  private void reportReverting(
      CgroupIsolation isolation,
      Context<CgroupIsolation> context,
      List<String> unconfirmed,
      Duration left) {
    CgroupIsolationStatus previous = isolation.getStatus();
    List<Condition> before = previous == null ? List.of() : previous.conditions;
    long generation = Objects.requireNonNullElse(isolation.getMetadata().getGeneration(), 0L);
    Verdict verdict =
        Verdict.reconciling(
            REASON_REVERTING,
            "deleting: waiting for the agents on "
                + unconfirmed.size()
                + " node(s) to confirm the revert ("
                + namesOf(unconfirmed)
                + "); the finalizer is released in at most "
                + left.toSeconds()
                + "s");
    List<Condition> after =
        ConditionCalculator.conditions(before, verdict, generation, clock.instant());
    if (sameJson(before, after)) {
      return;
    }
    try {
      context
          .getClient()
          .resource(isolation)
          .editStatus(
              current -> {
                CgroupIsolationStatus status =
                    current.getStatus() == null ? new CgroupIsolationStatus() : current.getStatus();
                status.conditions = new ArrayList<>(after);
                current.setStatus(status);
                return current;
              });
    } catch (RuntimeException e) {
      LOG.warn(
          "{}/{}: could not report the revert in progress: {}",
          isolation.getMetadata().getNamespace(),
          isolation.getMetadata().getName(),
          e.getMessage());
    }
  }

  private Collection<CgroupIsolationNode> write(
      InstructionPlan plan, Collection<CgroupIsolationNode> existing) {
    Map<String, CgroupIsolationNode> byName = new LinkedHashMap<>();
    existing.forEach(o -> byName.put(o.getMetadata().getName(), o));
    plan.create().forEach(o -> byName.put(o.getMetadata().getName(), writer.create(o)));
    plan.replaceSpec().forEach(o -> byName.put(o.getMetadata().getName(), writer.replaceSpec(o)));
    plan.delete()
        .forEach(
            o -> {
              writer.delete(o);
              byName.remove(o.getMetadata().getName());
            });
    return byName.values();
  }

  /** Events on the isolation for state changes, and on the pods it had to leave alone or failed. */
  private void announce(
      CgroupIsolation isolation,
      List<Condition> previousConditions,
      Verdict verdict,
      Resolution resolution,
      Aggregate aggregate) {
    if (verdict.state() == Verdict.State.READY
        && !wasTrue(previousConditions, ConditionCalculator.READY)) {
      events.normal(isolation, verdict.reason(), verdict.message());
    }
    if (verdict.state() == Verdict.State.STALLED
        && !wasTrue(previousConditions, ConditionCalculator.STALLED)) {
      events.warning(isolation, verdict.reason(), verdict.message());
    }
    String name = isolation.getMetadata().getName();
    String namespace = isolation.getMetadata().getNamespace();
    resolution.skipped().stream()
        .filter(s -> s.reason() == SkippedPod.Reason.HostCgroupfs)
        .limit(MAX_POD_EVENTS)
        .forEach(
            s ->
                events.normal(
                    podRef(namespace, s.name(), s.uid()),
                    "CgroupIsolationSkipped",
                    "CgroupIsolation "
                        + name
                        + " left this pod alone: it mounts the host cgroupfs through a hostPath"
                        + " volume; set spec.hostCgroupfsPods: Include to isolate it anyway"));
    Map<String, String> uids = new HashMap<>();
    resolution.podsByNode().values().stream()
        .flatMap(List::stream)
        .forEach(p -> uids.put(p.name(), p.uid()));
    for (Problem problem : aggregate.status().problems) {
      if (problem.pod != null && uids.containsKey(problem.pod)) {
        events.warning(
            podRef(namespace, problem.pod, uids.get(problem.pod)),
            "CgroupIsolationFailed",
            "CgroupIsolation "
                + name
                + ", container "
                + problem.container
                + ": "
                + problem.message);
      }
    }
  }

  private UpdateControl<CgroupIsolation> withStatus(
      CgroupIsolation isolation,
      CgroupIsolationStatus previous,
      CgroupIsolationStatus status,
      Verdict verdict,
      long generation,
      List<Condition> previousConditions) {
    status.observedGeneration = generation;
    status.conditions =
        new ArrayList<>(
            ConditionCalculator.conditions(
                previousConditions, verdict, generation, clock.instant()));
    if (previous != null && sameJson(previous, status)) {
      return UpdateControl.noUpdate();
    }
    isolation.setStatus(status);
    return UpdateControl.patchStatus(isolation);
  }

  private static List<String> unconfirmedNodes(
      Collection<CgroupIsolationNode> objects, Set<String> liveNodes) {
    return objects.stream()
        .filter(o -> liveNodes.contains(o.getSpec().nodeName))
        .filter(o -> o.getSpec().action != NodeAction.Revert || !InstructionPlan.revertConfirmed(o))
        .map(o -> o.getSpec().nodeName)
        .sorted()
        .toList();
  }

  private void deleteAll(Collection<CgroupIsolationNode> objects) {
    // The garbage collector would remove them with their owner too; deleting them now tells the
    // agents at once that there is nothing left to do, and keeps clusters with a slow collector
    // tidy.
    objects.forEach(writer::delete);
  }

  private Instant deletionTime(CgroupIsolation isolation) {
    String stamp = isolation.getMetadata().getDeletionTimestamp();
    return stamp == null ? clock.instant() : Instant.parse(stamp);
  }

  private static String namesOf(List<String> nodes) {
    String shown = String.join(", ", nodes.subList(0, Math.min(nodes.size(), MAX_NODES_NAMED)));
    return nodes.size() > MAX_NODES_NAMED
        ? shown + " and " + (nodes.size() - MAX_NODES_NAMED) + " more"
        : shown;
  }

  private static boolean wasTrue(List<Condition> conditions, String type) {
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Pod podRef(String namespace, String name, String uid) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .build();
  }

  private static CgroupIsolationStatus copy(CgroupIsolationStatus status) {
    return Serialization.jsonMapper().convertValue(status, CgroupIsolationStatus.class);
  }

  private static boolean sameJson(Object a, Object b) {
    return Serialization.jsonMapper()
        .valueToTree(a)
        .equals(Serialization.jsonMapper().valueToTree(b));
  }
}

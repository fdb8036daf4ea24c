package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import dev.cgroupns.operator.config.OperatorSettings;
import dev.cgroupns.operator.events.EventRecorder;
import dev.cgroupns.operator.status.Aggregate;
import dev.cgroupns.operator.status.ConditionCalculator;
import dev.cgroupns.operator.status.StatusAggregator;
import dev.cgroupns.operator.status.Verdict;
import dev.cgroupns.operator.targets.DesiredNodeObjects;
import dev.cgroupns.operator.targets.Resolution;
import dev.cgroupns.operator.targets.TargetResolver;
import dev.cgroupns.operator.validation.CgroupIsolationValidator;
import dev.cgroupns.operator.validation.Violation;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
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
  public static final String FORCE_DELETE_ANNOTATION = RevertCoordinator.FORCE_DELETE_ANNOTATION;

  private final CgroupIsolationValidator validator;
  private final IsolationAnnouncer announcer;
  private final RevertCoordinator reverts;
  private final Clock clock;
  private volatile IsolationEventSources sources;
  private volatile NodeObjectWriter writer;
  private volatile StatusWriter statusWriter;

  public CgroupIsolationReconciler(OperatorSettings settings, EventRecorder events, Clock clock) {
    this.validator = new CgroupIsolationValidator(settings.allowReadWrite());
    this.announcer = new IsolationAnnouncer(events);
    this.reverts = new RevertCoordinator(events, settings.revertTimeout(), clock);
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
        || RevertCoordinator.forceDelete(newer) != RevertCoordinator.forceDelete(older);
  }

  @Override
  public List<EventSource<?, CgroupIsolation>> prepareEventSources(
      EventSourceContext<CgroupIsolation> context) {
    sources = new IsolationEventSources(context);
    writer = new NodeObjectWriter(context.getClient());
    statusWriter = new StatusWriter(context.getClient());
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
      announcer.refused(isolation, verdict);
      CgroupIsolationStatus status =
          previous == null
              ? new CgroupIsolationStatus()
              : Json.copy(previous, CgroupIsolationStatus.class);
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
    announcer.announce(isolation, previousConditions, verdict, resolution, aggregate);
    return withStatus(
        isolation, previous, aggregate.status(), verdict, generation, previousConditions);
  }

  /**
   * A failed reconciliation shows in the conditions (the agents' last results stay as they were),
   * so the status never claims progress the operator is not making.
   */
  @Override
  public ErrorStatusUpdateControl<CgroupIsolation> updateErrorStatus(
      CgroupIsolation isolation, Context<CgroupIsolation> context, Exception error) {
    boolean lastAttempt = context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
    Verdict verdict = ConditionCalculator.failed(error, lastAttempt);
    CgroupIsolationStatus previous = isolation.getStatus();
    CgroupIsolationStatus status =
        previous == null
            ? new CgroupIsolationStatus()
            : Json.copy(previous, CgroupIsolationStatus.class);
    long generation = Objects.requireNonNullElse(isolation.getMetadata().getGeneration(), 0L);
    status.conditions =
        new ArrayList<>(
            ConditionCalculator.conditions(
                previous == null ? List.of() : previous.conditions,
                verdict,
                generation,
                clock.instant()));
    if (previous == null || !Json.same(previous, status)) {
      try {
        statusWriter.replace(isolation, status);
      } catch (RuntimeException e) {
        LOG.warn(
            "{}/{}: could not record the failure in the status: {}",
            isolation.getMetadata().getNamespace(),
            isolation.getMetadata().getName(),
            e.getMessage());
      }
    }
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  /** Deletion; see {@link RevertCoordinator}. */
  @Override
  public DeleteControl cleanup(CgroupIsolation isolation, Context<CgroupIsolation> context) {
    return reverts.cleanup(
        isolation,
        context.getSecondaryResources(CgroupIsolationNode.class),
        sources.liveNodes(),
        writer,
        statusWriter);
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
    if (previous == null || !Json.same(previous, status)) {
      statusWriter.replace(isolation, status);
    }
    return UpdateControl.noUpdate();
  }
}

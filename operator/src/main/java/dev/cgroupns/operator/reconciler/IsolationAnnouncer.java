package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.Problem;
import dev.cgroupns.operator.events.EventRecorder;
import dev.cgroupns.operator.status.Aggregate;
import dev.cgroupns.operator.status.ConditionCalculator;
import dev.cgroupns.operator.status.Verdict;
import dev.cgroupns.operator.targets.Resolution;
import dev.cgroupns.operator.targets.SkippedPod;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Events of a reconciliation: on the CgroupIsolation when it becomes Ready or Stalled, and on
 * the pods it had to leave alone or could not isolate. Bounded per reconciliation, so one bad
 * rollout cannot flood the API.
 */
final class IsolationAnnouncer {
  static final int MAX_POD_EVENTS = 20;

  private final EventRecorder events;

  IsolationAnnouncer(EventRecorder events) {
    this.events = events;
  }

  void refused(CgroupIsolation isolation, Verdict verdict) {
    events.warning(isolation, verdict.reason(), verdict.message());
  }

  void announce(
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
    // status.problems is already bounded (MAX_PROBLEMS), newest first.
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

  private static boolean wasTrue(List<Condition> conditions, String type) {
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Enough of a pod to address an Event to it. */
  private static Pod podRef(String namespace, String name, String uid) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .build();
  }
}

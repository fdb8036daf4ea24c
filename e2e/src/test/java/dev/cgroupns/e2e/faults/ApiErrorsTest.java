package dev.cgroupns.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.e2e.harness.AgentProcess;
import dev.cgroupns.e2e.harness.AgentProcessControlPlane;
import dev.cgroupns.e2e.harness.E2eCluster;
import dev.cgroupns.e2e.harness.E2ePod;
import dev.cgroupns.e2e.harness.Isolations;
import dev.cgroupns.sandbox.demo.ContainerView.CgroupMount;
import dev.cgroupns.testbed.kube.faults.Fault;
import dev.cgroupns.testbed.kube.faults.FaultRule;
import dev.cgroupns.testbed.kube.faults.FaultRules;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API answers the operator's and the agent's writes with 409 Conflict, 500 and timeouts (the
 * write held past the client's request timeout, once before and once after it took effect). The
 * system must still converge to Ready with a status that matches what the containers see, and the
 * errors must show where an operator of the cluster would look: the CgroupIsolation's conditions
 * while the operator retries, the agent's status-write metrics.
 */
class ApiErrorsTest {

  private static final int PODS = 3;
  private static final Map<String, String> LABELS = Map.of("fault", "api-errors");
  private static final Duration HELD = AgentProcessControlPlane.REQUEST_TIMEOUT.plusSeconds(1);

  @Test
  void conflictsServerErrorsAndTimeoutsDelayButNeitherBreakNorFalsifyTheResult() throws Exception {
    try (E2eCluster cluster =
        E2eCluster.start(new AgentProcessControlPlane(Duration.ofSeconds(30)))) {
      AgentLogs.onFailure(cluster, () -> convergesDespiteErrors(cluster));
    }
  }

  private static void convergesDespiteErrors(E2eCluster cluster) throws Exception {
    List<E2ePod> pods = cluster.startPods("flaky", PODS, LABELS);
    Map<String, List<CgroupMount>> original = Mounts.of(cluster, pods);
    FaultRules faults = cluster.faults();
    String operator = AgentProcessControlPlane.OPERATOR_USER_AGENT;
    String agent = AgentProcess.USER_AGENT;
    // The operator's first two node-object creates are refused, the third takes effect but its
    // answer comes too late. Its first status write (recording the first failure) conflicts, the
    // next two fail with 500 (the client retries those itself), so the second failure is recorded.
    FaultRule createConflict =
        faults.add(onlyFor(operator, "POST", ApiPaths.NODE_OBJECTS, Fault.conflict(), 2));
    FaultRule createTimeout =
        faults.add(
            onlyFor(operator, "POST", ApiPaths.NODE_OBJECTS, Fault.timeoutAfterWrite(HELD), 1));
    FaultRule statusConflict =
        faults.add(onlyFor(operator, "PATCH", ApiPaths.ISOLATION_STATUS, Fault.conflict(), 1));
    FaultRule statusError =
        faults.add(onlyFor(operator, "PATCH", ApiPaths.ISOLATION_STATUS, Fault.error(500), 2));
    // The agent's status patches: two conflicts, two 503s, one held until it gave up.
    FaultRule agentConflicts =
        faults.add(onlyFor(agent, "PATCH", ApiPaths.NODE_OBJECT_STATUS, Fault.conflict(), 2));
    FaultRule agentErrors =
        faults.add(onlyFor(agent, "PATCH", ApiPaths.NODE_OBJECT_STATUS, Fault.error(503), 2));
    FaultRule agentTimeout =
        faults.add(
            onlyFor(
                agent, "PATCH", ApiPaths.NODE_OBJECT_STATUS, Fault.timeoutBeforeWrite(HELD), 1));

    CgroupIsolation ready;
    try (ConditionHistory history =
        ConditionHistory.watch(cluster.client(), cluster.namespace(), "flaky")) {
      cluster.apply(Isolations.selecting("flaky", LABELS));
      ready = cluster.awaitReady("flaky");
      // The failed reconciliations were shown while they were retried, never as a dead end.
      assertThat(history.seen()).contains("Reconciling/RetryingAfterError");
      assertThat(history.seen()).noneMatch(c -> c.startsWith("Stalled/"));
    }
    for (FaultRule rule :
        List.of(
            createConflict,
            createTimeout,
            statusConflict,
            statusError,
            agentConflicts,
            agentErrors,
            agentTimeout)) {
      assertThat(rule.remaining()).as("every programmed fault happened: %s", rule).isZero();
    }

    // The truth: every container isolated, as the status says, and one node object only (the
    // create that timed out after taking effect did not leave a twin).
    assertThat(ready.getStatus().isolated).isEqualTo(PODS);
    assertThat(ready.getStatus().failed).isZero();
    assertThat(ready.getStatus().problems).isEmpty();
    assertThat(cluster.nodeObjects("flaky")).hasSize(1);
    List<ContainerResult> results = cluster.nodeObject("flaky").getStatus().containers;
    assertThat(results).hasSize(PODS).allMatch(r -> r.phase == ContainerPhase.Isolated);
    assertThat(Mounts.states(cluster, pods, original))
        .allSatisfy((pod, state) -> assertThat(state).as(pod).isEqualTo(MountState.ISOLATED));
    // The agent counted the refused status writes it retried, and lost none.
    AgentProcess process = cluster.agentProcess();
    assertThat(process.metric("cgroupns_agent_status_write_retries_total").orElse(0))
        .isGreaterThanOrEqualTo(2);
    assertThat(process.metric("cgroupns_agent_status_write_failures_total").orElse(0)).isZero();

    cluster.delete("flaky");
    cluster.awaitGone("flaky");
    assertThat(Mounts.states(cluster, pods, original))
        .allSatisfy((pod, state) -> assertThat(state).as(pod).isEqualTo(MountState.ORIGINAL));
    assertThat(cluster.revertRecords()).isEmpty();
    assertThat(cluster.hostMountsUnchanged()).isTrue();
  }

  private static FaultRule onlyFor(
      String userAgent, String method, String path, Fault fault, int times) {
    return FaultRule.on(method, path, fault).whenHeader("User-Agent", userAgent).times(times);
  }
}

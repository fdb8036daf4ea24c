package dev.cgroupns.e2e.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.e2e.harness.OperatorDeployment;
import dev.cgroupns.e2e.harness.OperatorProcess;
import dev.cgroupns.operator.IsolationOperator;
import dev.cgroupns.operator.testing.Fixtures;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.PodIdentities;
import dev.cgroupns.testbed.cluster.TestClusters;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two operator processes, as the Deployment's two replicas run them, electing a leader on the
 * Lease. SIGTERM to the leader (a rollout, a drain) ends it with exit code 0 and hands the Lease
 * over, so the standby leads at once instead of waiting out the lease; a leader that loses its
 * Lease any other way exits non-zero, to be restarted as a standby.
 *
 * <p>The cluster is a real control plane with the project's manifests; each operator runs with a
 * token of the operator's service account bound to a Pod object named as its POD_NAME, so the Lease
 * names a pod that exists and the manifests' RBAC is what lets it elect. The bounds below (30 s for
 * an exit, 60 s for a wait) only catch a hang; nothing is timed.
 */
class LeaderShutdownTest {
  private static final String NAMESPACE = "cgroup-isolation-system";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path work;

  private LocalControlPlane cluster;
  private KubernetesClient client;
  private final List<OperatorProcess> operators = new ArrayList<>();

  @BeforeEach
  void startApi() {
    cluster = TestClusters.withProject();
    client = cluster.adminClient();
    // Every test elects anew: no Lease left by an earlier one.
    lease().delete();
    await().atMost(WAIT).until(() -> lease().get() == null);
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    try {
      for (OperatorProcess operator : operators) {
        operator.close();
      }
    } finally {
      // Null when the set-up was skipped (no Kubernetes binaries) or failed before any election.
      if (client != null) {
        lease().delete();
      }
    }
  }

  @Test
  void sigtermToTheLeaderExitsZeroAndHandsTheLeaseToTheStandby() throws Exception {
    OperatorProcess leader = start("operator-a");
    awaitHolder("operator-a", leader);
    OperatorProcess standby = start("operator-b");
    awaitWhileAlive(standby, "ready", standby::ready);
    assertThat(holder()).contains("operator-a");

    OptionalInt exit = leader.terminate();

    assertThat(exit).as("exit code on SIGTERM, after 30 s at most%n%s", log(leader)).hasValue(0);
    // Released, not left to expire: the moment the leader is gone the Lease names nobody, or
    // already the standby.
    assertThat(holder()).as(log(leader)).isNotEqualTo(Optional.of("operator-a"));
    awaitHolder("operator-b", standby);

    // The new leader does the work: a CgroupIsolation created now is reconciled to Ready.
    String namespace = cluster.newNamespace("election");
    CgroupIsolation created =
        client
            .resource(Fixtures.isolation(namespace, "after-handover", Map.of("app", "x")))
            .create();
    awaitWhileAlive(
        standby,
        "reconciling after-handover to Ready",
        () -> {
          CgroupIsolation now = client.resource(created).get();
          return now != null
              && now.getStatus() != null
              && now.getStatus().conditions.stream()
                  .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        });
    client.resource(created).delete();
  }

  @Test
  void aLeaderThatLosesItsLeaseExitsNonZero() throws Exception {
    OperatorProcess leader = start("operator-a");
    awaitHolder("operator-a", leader);

    // Another replica holds the Lease now, as after a partition that outlasted it. The leader
    // renews meanwhile, so a write may conflict: retry until one lands.
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () ->
                lease()
                        .edit(
                            l -> {
                              l.getSpec().setHolderIdentity("operator-elsewhere");
                              l.getSpec().setLeaseDurationSeconds(3600);
                              l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
                              return l;
                            })
                    != null);
    OptionalInt exit = leader.awaitExit();

    assertThat(exit).as("exit code, after 30 s at most%n%s", log(leader)).isPresent();
    assertThat(exit.getAsInt()).as(log(leader)).isNotZero();
    assertThat(holder()).contains("operator-elsewhere");
  }

  private OperatorProcess start(String podName) throws Exception {
    OperatorProcess operator =
        OperatorProcess.start(
            OperatorDeployment.read(),
            PodIdentities.operator(cluster, podName),
            Map.of("POD_NAME", podName, "LEADER_ELECTION", "true"),
            System.getProperty("java.class.path"),
            // A short-lived test JVM: quick start matters more than peak speed.
            List.of("-XX:TieredStopAtLevel=1"),
            work.resolve(podName + ".log"));
    operators.add(operator);
    return operator;
  }

  private void awaitHolder(String podName, OperatorProcess operator) throws Exception {
    awaitWhileAlive(
        operator, "holding the Lease as " + podName, () -> holder().equals(Optional.of(podName)));
  }

  /** Waits for {@code condition}; fails with the operator's log if it exits or never gets there. */
  private static void awaitWhileAlive(
      OperatorProcess operator, String what, Callable<Boolean> condition) throws Exception {
    try {
      await().atMost(WAIT).failFast(() -> !operator.isAlive()).until(condition);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError("not " + what + "\n" + log(operator), e);
    }
  }

  private Resource<Lease> lease() {
    return client.leases().inNamespace(NAMESPACE).withName(IsolationOperator.LEASE_NAME);
  }

  /** Who holds the Lease; empty when nobody does. */
  private Optional<String> holder() {
    return Optional.ofNullable(lease().get())
        .map(Lease::getSpec)
        .map(LeaseSpec::getHolderIdentity)
        .filter(h -> !h.isBlank());
  }

  private static String log(OperatorProcess operator) throws Exception {
    return "--- " + operator.log() + "\n" + Files.readString(operator.log());
  }
}

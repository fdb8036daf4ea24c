package dev.cgroupns.operator.election;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.testbed.kube.MockApiServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaseReleaseTest {
  private static final String NS = "cgroup-isolation-system";
  private static final String NAME = "cgroup-isolation-operator";
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final ZonedDateTime ACQUIRED = ZonedDateTime.parse("2026-03-01T09:00:00Z");

  private MockApiServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = MockApiServer.start();
    client = server.client();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void releasesTheLeaseItHolds() {
    hold("operator-a");

    assertThat(release("operator-a")).isTrue();

    Lease lease = lease();
    assertThat(lease.getSpec().getHolderIdentity()).isEmpty();
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
    assertThat(lease.getSpec().getRenewTime().toInstant()).isEqualTo(NOW);
    assertThat(lease.getSpec().getLeaseTransitions()).isEqualTo(3);
  }

  @Test
  void leavesALeaseAnotherReplicaHoldsAlone() {
    hold("operator-b");
    String version = lease().getMetadata().getResourceVersion();

    assertThat(release("operator-a")).isFalse();

    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("operator-b");
    assertThat(lease().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void hasNothingToReleaseWithoutALease() {
    assertThat(release("operator-a")).isFalse();
    assertThat(lease()).isNull();
  }

  private boolean release(String identity) {
    return new LeaseRelease(client, NS, NAME, identity, Clock.fixed(NOW, ZoneOffset.UTC)).release();
  }

  private void hold(String identity) {
    client
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName(NAME)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity(identity)
                .withLeaseDurationSeconds(15)
                .withAcquireTime(ACQUIRED)
                .withRenewTime(ACQUIRED)
                .withLeaseTransitions(3)
                .endSpec()
                .build())
        .create();
  }

  private Lease lease() {
    return client.leases().inNamespace(NS).withName(NAME).get();
  }
}

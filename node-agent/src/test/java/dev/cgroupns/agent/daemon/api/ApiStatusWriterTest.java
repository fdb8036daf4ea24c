package dev.cgroupns.agent.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class ApiStatusWriterTest {
  @Test
  void thePatchTestsTheUidThenReplacesTheWholeStatus() throws Exception {
    CgroupIsolationNodeStatus status = new CgroupIsolationNodeStatus();
    status.observedGeneration = 4L;

    JsonNode patch =
        Serialization.jsonMapper().readTree(ApiStatusWriter.patchBody("uid-1", status));

    assertThat(patch.size()).isEqualTo(2);
    assertThat(patch.get(0).get("op").asText()).isEqualTo("test");
    assertThat(patch.get(0).get("path").asText()).isEqualTo("/metadata/uid");
    assertThat(patch.get(0).get("value").asText()).isEqualTo("uid-1");
    assertThat(patch.get(1).get("op").asText()).isEqualTo("add");
    assertThat(patch.get(1).get("path").asText()).isEqualTo("/status");
    assertThat(patch.get(1).get("value").get("observedGeneration").asLong()).isEqualTo(4L);
  }

  @Test
  void conflictsThrottlingServerErrorsAndTimeoutsAreRetriedOthersAreNot() {
    for (int code : new int[] {409, 429, 500, 502, 503, 504, 0, -1}) {
      assertThat(ApiStatusWriter.isTransient(new KubernetesClientException("x", code, null)))
          .as("code %d", code)
          .isTrue();
    }
    for (int code : new int[] {400, 403, 404, 422}) {
      assertThat(ApiStatusWriter.isTransient(new KubernetesClientException("x", code, null)))
          .as("code %d", code)
          .isFalse();
    }
  }
}

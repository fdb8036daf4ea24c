package dev.cgroupns.agent.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** What a watch sends reaches the agent as the right types, without the class-path scan. */
class LeanSerializationTest {
  private final KubernetesSerialization serialization = LeanSerialization.create();

  private Object watchObject(String object) {
    return serialization
        .unmarshal("{\"type\":\"ADDED\",\"object\":" + object + "}", WatchEvent.class)
        .getObject();
  }

  @Test
  void aGoneErrorOnAWatchIsAStatusSoTheInformerListsAgain() {
    Object object =
        serialization
            .unmarshal(
                "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                    + "\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410,"
                    + "\"message\":\"too old resource version\"}}",
                WatchEvent.class)
            .getObject();
    assertThat(object).isInstanceOf(Status.class);
    assertThat(((Status) object).getCode()).isEqualTo(410);
  }

  @Test
  void theWatchedKindsAreTyped() {
    assertThat(
            watchObject("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"}}"))
        .isInstanceOf(Pod.class);
    assertThat(
            watchObject(
                "{\"kind\":\"CgroupIsolationNode\",\"apiVersion\":\"cgroupns.dev/v1alpha1\","
                    + "\"metadata\":{\"name\":\"a\"}}"))
        .isInstanceOf(CgroupIsolationNode.class);
  }
}

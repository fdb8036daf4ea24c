package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.testbed.kube.faults.Fault;
import dev.cgroupns.testbed.kube.faults.FaultRule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fabric8 client against programmed faults: it sees a 409 as a conflict with the Status body,
 * retries 5xx by itself, gives up on a held answer after its request timeout, and a write whose
 * answer was held has still taken effect.
 */
class FaultInjectionAgainstClientTest {

  private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps/*";

  private static EmbeddedApiServer api;

  @BeforeAll
  static void start() {
    api = EmbeddedApiServer.start(0);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @AfterEach
  void clearFaults() {
    api.faults().clear();
  }

  private static KubernetesClient client(String userAgent, int requestTimeoutMillis, int retries) {
    Config config =
        new ConfigBuilder(api.clientConfig())
            .withUserAgent(userAgent)
            .withRequestTimeout(requestTimeoutMillis)
            .withRequestRetryBackoffLimit(retries)
            .withRequestRetryBackoffInterval(50)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withData(Map.of("k", value))
        .build();
  }

  @Test
  void conflictReachesTheCallerWithAStatusBodyOnlyForTheChosenClient() {
    try (KubernetesClient operator = client("operator-test", 5_000, 0);
        KubernetesClient agent = client("agent-test", 5_000, 0)) {
      operator.resource(configMap("c1", "a")).create();
      FaultRule rule =
          api.faults()
              .add(
                  FaultRule.on("PATCH", CONFIG_MAPS, Fault.conflict())
                      .whenHeader("User-Agent", "agent-test"));
      operator.configMaps().withName("c1").edit(c -> configMap("c1", "b"));
      assertThat(rule.hits()).isZero();
      assertThatThrownBy(() -> agent.configMaps().withName("c1").edit(c -> configMap("c1", "c")))
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(409);
                assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                assertThat(e.getStatus().getMessage())
                    .contains("configmaps \"c1\"", "the object has been modified");
              });
      assertThat(operator.configMaps().withName("c1").get().getData()).containsEntry("k", "b");
      agent.configMaps().withName("c1").edit(c -> configMap("c1", "d"));
      assertThat(operator.configMaps().withName("c1").get().getData()).containsEntry("k", "d");
      assertThat(rule.hits()).isEqualTo(1);
    }
  }

  @Test
  void serverErrorsAreRetriedByTheClientUntilItsRetriesRunOut() {
    try (KubernetesClient patient = client("patient", 5_000, 5);
        KubernetesClient impatient = client("impatient", 5_000, 0)) {
      patient.resource(configMap("c2", "a")).create();
      FaultRule absorbed =
          api.faults().add(FaultRule.on("PATCH", CONFIG_MAPS, Fault.error(500)).times(2));
      patient.configMaps().withName("c2").edit(c -> configMap("c2", "b"));
      assertThat(absorbed.hits()).isEqualTo(2);
      assertThat(patient.configMaps().withName("c2").get().getData()).containsEntry("k", "b");

      api.faults().add(FaultRule.on("PATCH", CONFIG_MAPS, Fault.error(503)));
      assertThatThrownBy(
              () -> impatient.configMaps().withName("c2").edit(c -> configMap("c2", "c")))
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> assertThat(e.getStatus().getReason()).isEqualTo("ServiceUnavailable"));
      assertThat(patient.configMaps().withName("c2").get().getData()).containsEntry("k", "b");
    }
  }

  @Test
  void heldAnswersTimeOutAndAWriteAnsweredLateHasTakenEffect() {
    try (KubernetesClient client = client("timeouts", 500, 0)) {
      client.resource(configMap("c3", "a")).create();
      Duration hold = Duration.ofMillis(1_500);
      api.faults().add(FaultRule.on("PATCH", CONFIG_MAPS, Fault.timeoutBeforeWrite(hold)));
      assertThatThrownBy(() -> client.configMaps().withName("c3").edit(c -> configMap("c3", "b")))
          .isInstanceOf(KubernetesClientException.class);
      assertThat(client.configMaps().withName("c3").get().getData()).containsEntry("k", "a");

      api.faults().add(FaultRule.on("PATCH", CONFIG_MAPS, Fault.timeoutAfterWrite(hold)));
      assertThatThrownBy(() -> client.configMaps().withName("c3").edit(c -> configMap("c3", "c")))
          .isInstanceOf(KubernetesClientException.class);
      assertThat(client.configMaps().withName("c3").get().getData()).containsEntry("k", "c");
    }
  }
}

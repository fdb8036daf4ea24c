package dev.cgroupns.testbed.kube.faults;

import static dev.cgroupns.testbed.kube.faults.TestUpstream.configMap;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.event;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.json;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.startWatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A fabric8 informer behind the proxy, as the operator and the agent run: a dropped watch is a
 * closed connection, after which it watches again from the last resourceVersion it saw; an expired
 * watch makes it list again. The client is fabric8's default one, which tries a WebSocket watch
 * first: the proxy's 200 to that attempt turns it to HTTP watches without the server seeing it.
 */
class FaultProxyInformerTest {

  private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";
  private static final Duration WAITS = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ProxyFixture fixture;
  private KubernetesClient client;

  @BeforeEach
  void start() throws IOException {
    fixture = ProxyFixture.start(dir);
    // A list at resourceVersion 1; the first watch that reaches the server brings two changes.
    fixture.upstream.answer(
        (request, exchange) -> {
          if (!request.isWatch()) {
            json(
                exchange,
                200,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMapList\","
                    + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
                    + configMap("1", "v1")
                    + "]}");
            return;
          }
          OutputStream watch = startWatch(exchange);
          if (fixture.upstream.watches().size() == 1) {
            event(watch, "MODIFIED", configMap("2", "v2"));
            event(watch, "MODIFIED", configMap("3", "v3"));
          }
          fixture.upstream.holdOpen();
        });
    client = fixture.fabric8("operator");
  }

  @AfterEach
  void stop() {
    client.close();
    fixture.close();
  }

  @ParameterizedTest(name = "cut after {0} events")
  @CsvSource({"0, 1, v1", "1, 2, v2"})
  void aDroppedWatchIsWatchedAgainFromTheLastResourceVersionSeen(
      int events, String resumedFrom, String value) {
    FaultRule rule =
        fixture.proxy.faults().add(FaultRule.on("GET", CONFIG_MAPS, Fault.dropWatch(events)));

    try (SharedIndexInformer<ConfigMap> informer = client.configMaps().inform()) {
      await().atMost(WAITS).until(() -> fixture.upstream.watches().size() == 2);
      List<TestUpstream.Request> watches = fixture.upstream.watches();
      assertThat(watches.get(0).target()).contains("resourceVersion=1");
      assertThat(watches.get(1).target()).contains("resourceVersion=" + resumedFrom);
      // Watched again, not listed again: a cut connection is no expired watch.
      assertThat(fixture.upstream.lists()).hasSize(1);
      assertThat(rule.hits()).isEqualTo(1);
      assertThat(informer.getStore().getByKey("default/a").getData()).containsEntry("k", value);
    }
  }

  @Test
  void anExpiredWatchIsFollowedByANewList() {
    FaultRule rule =
        fixture.proxy.faults().add(FaultRule.on("GET", CONFIG_MAPS, Fault.watchExpired()));

    try (SharedIndexInformer<ConfigMap> informer = client.configMaps().inform()) {
      await().atMost(WAITS).until(() -> fixture.upstream.watches().size() == 1);
      assertThat(fixture.upstream.lists()).hasSize(2);
      assertThat(rule.hits()).isEqualTo(1);
      await()
          .atMost(WAITS)
          .untilAsserted(
              () ->
                  assertThat(informer.getStore().getByKey("default/a").getData())
                      .containsEntry("k", "v3"));
    }
  }
}

package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the operator and the node agent rely on when they run against the embedded endpoint: field
 * selectors on any field (lists, watches, informers), finalizer removal answered with the object,
 * and CRDs marked Established.
 */
class ClientAgainstEmbeddedApiTest {

  private static EmbeddedApiServer api;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    api = EmbeddedApiServer.start(0);
    client = api.client();
    for (int i = 0; i < 4; i++) {
      client
          .pods()
          .inNamespace("default")
          .resource(pod("p" + i, i % 2 == 0 ? "local" : "other"))
          .create();
    }
  }

  @AfterAll
  static void stop() {
    client.close();
    api.close();
  }

  private static Pod pod(String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("app")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void listsHonourFieldSelectorsOnAnyField() {
    List<Pod> local =
        client.pods().inAnyNamespace().withField("spec.nodeName", "local").list().getItems();
    assertThat(local)
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("p0", "p2");
    assertThat(
            client.pods().inNamespace("default").withField("metadata.name", "p1").list().getItems())
        .hasSize(1);
  }

  @Test
  void informersWithAFieldSelectorSeeOnlyMatchingObjectsIncludingNewOnes() {
    List<String> seen = new CopyOnWriteArrayList<>();
    SharedIndexInformer<Pod> informer =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", "local")
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    seen.add(pod.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(Pod oldPod, Pod newPod) {}

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {}
                });
    try {
      client.pods().inNamespace("default").resource(pod("late-local", "local")).create();
      client.pods().inNamespace("default").resource(pod("late-other", "other")).create();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(seen).contains("p0", "p2", "late-local"));
      assertThat(seen).doesNotContain("p1", "p3", "late-other");
    } finally {
      informer.close();
      client.pods().inNamespace("default").withName("late-local").delete();
      client.pods().inNamespace("default").withName("late-other").delete();
    }
  }

  @Test
  void rawWatchDeliversOnlyMatchingEvents() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    try (var watch =
        client
            .pods()
            .inNamespace("default")
            .withField("spec.nodeName", "other")
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    events.add(action + " " + pod.getMetadata().getName());
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      client.pods().inNamespace("default").resource(pod("w-local", "local")).create();
      client.pods().inNamespace("default").resource(pod("w-other", "other")).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("ADDED w-other"));
      assertThat(events).noneMatch(e -> e.endsWith("w-local"));
    } finally {
      client.pods().inNamespace("default").withName("w-local").delete();
      client.pods().inNamespace("default").withName("w-other").delete();
    }
  }

  @Test
  void removingTheLastFinalizerOfADeletedObjectAnswersWithTheObject() {
    ConfigMap cm =
        client
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("guarded")
                    .addToFinalizers("cgroupns.dev/test")
                    .endMetadata()
                    .build())
            .create();
    client.configMaps().inNamespace("default").withName("guarded").delete();
    assertThat(client.configMaps().inNamespace("default").withName("guarded").get()).isNotNull();

    ConfigMap released =
        client
            .configMaps()
            .inNamespace("default")
            .withName("guarded")
            .edit(
                c -> new ConfigMapBuilder(c).editMetadata().withFinalizers().endMetadata().build());

    assertThat(released).isNotNull();
    assertThat(released.getMetadata().getName()).isEqualTo(cm.getMetadata().getName());
    assertThat(client.configMaps().inNamespace("default").withName("guarded").get()).isNull();
  }

  @Test
  void createdCrdsAreEstablishedAndServed() {
    new dev.cgroupns.testbed.kube.CrdInstaller(client).install(java.nio.file.Path.of("../crds"));
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("cgroupisolations.cgroupns.dev")
            .get();
    assertThat(crd.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Established");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(crd.getStatus().getAcceptedNames().getShortNames()).contains("cgi");
    assertThat(api.catalog().find("cgroupns.dev", "v1alpha1", "cgroupisolations")).isPresent();
  }
}

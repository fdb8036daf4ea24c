package dev.cgroupns.operator.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Estimates what the operator's pod informer holds per pod, trimmed versus untrimmed, for the
 * README's Scale section. A measurement, not a benchmark: heap after full GCs, with a generous
 * bound so that noise cannot fail the build, while a trim that silently stopped trimming would.
 */
class PodCacheFootprintTest {
  private static final int PODS = 5_000;

  @Test
  void aTrimmedPodCostsAFractionOfAFullOne() {
    long trimmedHeap = heapPerItem(i -> PodTrimmer.trim(realisticPod(i)));
    long fullHeap = heapPerItem(PodCacheFootprintTest::realisticPod);
    int fullJson = Serialization.asJson(realisticPod(1)).getBytes(StandardCharsets.UTF_8).length;
    int trimmedJson =
        Serialization.asJson(PodTrimmer.trim(realisticPod(1)))
            .getBytes(StandardCharsets.UTF_8)
            .length;
    System.out.printf(
        "pod cache: full pod %d JSON bytes, ~%d heap bytes; trimmed %d JSON bytes, ~%d heap"
            + " bytes%n",
        fullJson, fullHeap, trimmedJson, trimmedHeap);
    assertThat(trimmedJson).isLessThan(fullJson / 4);
    assertThat(trimmedHeap).isLessThan(fullHeap / 2);
  }

  private static long heapPerItem(java.util.function.IntFunction<Pod> factory) {
    long before = usedHeapAfterGc();
    List<Pod> kept = new ArrayList<>(PODS);
    IntStream.range(0, PODS).forEach(i -> kept.add(factory.apply(i)));
    long after = usedHeapAfterGc();
    assertThat(kept).hasSize(PODS);
    return Math.max(0, (after - before) / PODS);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A Deployment pod as the API server returns it: two containers, probes, mounts, status. */
  static Pod realisticPod(int i) {
    String uid = UUID.randomUUID().toString();
    String name = "checkout-api-7d9f8b6c5d-" + String.format("%05d", i);
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("payments")
        .withUid(uid)
        .withResourceVersion(String.valueOf(1_000_000 + i))
        .withCreationTimestamp("2026-11-29T06:00:00Z")
        .withGenerateName("checkout-api-7d9f8b6c5d-")
        .withLabels(
            Map.of(
                "app.kubernetes.io/name", "checkout-api",
                "app.kubernetes.io/instance", "checkout",
                "pod-template-hash", "7d9f8b6c5d",
                "security.istio.io/tlsMode", "istio",
                "team", "payments"))
        .withAnnotations(
            Map.of(
                "kubectl.kubernetes.io/restartedAt", "2026-11-28T10:00:00Z",
                "prometheus.io/scrape", "true",
                "sidecar.istio.io/status",
                    "{\"initContainers\":[\"istio-init\"],\"containers\":"
                        + "[\"istio-proxy\"],\"volumes\":[\"istio-envoy\",\"istio-data\"]}"))
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName("checkout-api-7d9f8b6c5d")
        .withUid(UUID.randomUUID().toString())
        .withController(true)
        .endOwnerReference()
        .withManagedFields(
            new ManagedFieldsEntryBuilder()
                .withManager("kube-controller-manager")
                .withOperation("Update")
                .withApiVersion("v1")
                .withTime("2026-11-29T06:00:00Z")
                .withFieldsType("FieldsV1")
                .build(),
            new ManagedFieldsEntryBuilder()
                .withManager("kubelet")
                .withOperation("Update")
                .withApiVersion("v1")
                .withTime("2026-11-29T06:00:05Z")
                .withFieldsType("FieldsV1")
                .withSubresource("status")
                .build())
        .endMetadata()
        .withNewSpec()
        .withNodeName("ip-10-0-12-34.eu-west-1.compute.internal")
        .withServiceAccountName("checkout-api")
        .withContainers(container("app", 12), container("istio-proxy", 20))
        .withVolumes(
            new VolumeBuilder()
                .withName("kube-api-access")
                .withNewProjected()
                .endProjected()
                .build(),
            new VolumeBuilder()
                .withName("config")
                .withNewConfigMap()
                .withName("checkout")
                .endConfigMap()
                .build(),
            new VolumeBuilder().withName("istio-envoy").withNewEmptyDir().endEmptyDir().build())
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("10.0.12." + (i % 250))
        .withHostIP("10.0.12.34")
        .withConditions(
            new PodConditionBuilder().withType("Ready").withStatus("True").build(),
            new PodConditionBuilder().withType("ContainersReady").withStatus("True").build(),
            new PodConditionBuilder().withType("Initialized").withStatus("True").build(),
            new PodConditionBuilder().withType("PodScheduled").withStatus("True").build())
        .withContainerStatuses(status("app"), status("istio-proxy"))
        .endStatus()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Container container(String name, int envVars) {
    ContainerBuilder builder =
        new ContainerBuilder()
            .withName(name)
            .withImage("registry.example.com/payments/" + name + ":1.42.7")
            .withArgs("--port=8080", "--log-level=info")
            .withNewResources()
            .addToRequests("cpu", new Quantity("250m"))
            .addToRequests("memory", new Quantity("256Mi"))
            .addToLimits("memory", new Quantity("512Mi"))
            .endResources()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/healthz/ready")
            .endHttpGet()
            .withPeriodSeconds(10)
            .endReadinessProbe()
            .addNewVolumeMount()
            .withName("kube-api-access")
            .withMountPath("/var/run/secrets/kubernetes.io/serviceaccount")
            .withReadOnly(true)
            .endVolumeMount();
    for (int e = 0; e < envVars; e++) {
      builder.addNewEnv().withName("SETTING_" + e).withValue("value-of-setting-" + e).endEnv();
    }
    return builder.build();
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus status(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withReady(true)
        .withRestartCount(0)
        .withImage("registry.example.com/payments/" + name + ":1.42.7")
        .withImageID("registry.example.com/payments/" + name + "@sha256:" + "ab".repeat(32))
        .withContainerID("containerd://" + "cd".repeat(32))
        .withNewState()
        .withNewRunning()
        .withStartedAt("2026-11-29T06:00:04Z")
        .endRunning()
        .endState()
        .build();
  }
}

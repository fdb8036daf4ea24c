package dev.cgroupns.operator.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodTrimmerTest {
  private static Pod fullPod() {
    Pod pod = Fixtures.pod("team-a", "web-1", "node-a", Map.of("app", "web"), "app", "sidecar");
    pod.getMetadata().setResourceVersion("42");
    pod.getMetadata()
        .setAnnotations(
            Map.of(ApiGroup.OPT_OUT_ANNOTATION, "true", "kubectl.kubernetes.io/restartedAt", "x"));
    return new PodBuilder(pod)
        .editSpec()
        .addNewVolume()
        .withName("cg")
        .withNewHostPath()
        .withPath("/sys/fs/cgroup")
        .endHostPath()
        .endVolume()
        .addNewVolume()
        .withName("scratch")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .editFirstContainer()
        .addNewEnv()
        .withName("BIG")
        .withValue("x".repeat(4000))
        .endEnv()
        .endContainer()
        .endSpec()
        .editStatus()
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName("app")
                .withContainerID("containerd://" + "a".repeat(64))
                .withRestartCount(3)
                .build())
        .endStatus()
        .build();
  }

  @Test
  void keepsWhatTargetResolutionReadsAndNothingElse() {
    Pod trimmed = PodTrimmer.trim(fullPod());
    assertThat(trimmed.getMetadata().getName()).isEqualTo("web-1");
    assertThat(trimmed.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(trimmed.getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(trimmed.getMetadata().getAnnotations())
        .containsOnlyKeys(ApiGroup.OPT_OUT_ANNOTATION);
    assertThat(trimmed.getSpec().getNodeName()).isEqualTo("node-a");
    assertThat(trimmed.getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("app", "sidecar");
    assertThat(trimmed.getSpec().getContainers().get(0).getEnv()).isEmpty();
    assertThat(trimmed.getSpec().getVolumes()).extracting(v -> v.getName()).containsExactly("cg");
    assertThat(trimmed.getStatus().getContainerStatuses()).isEmpty();
    assertThat(trimmed.getStatus().getPhase()).isEqualTo("Running");
    assertThat(TargetResolver.mountsHostCgroupfs(trimmed)).isTrue();
    assertThat(Serialization.asJson(trimmed).length())
        .isLessThan(Serialization.asJson(fullPod()).length() / 5);
  }

  @Test
  void kubeletStatusChurnIsNotATargetingChange() {
    Pod before = fullPod();
    Pod after = new PodBuilder(before).build();
    after.getMetadata().setResourceVersion("43");
    after.getStatus().getContainerStatuses().get(0).setRestartCount(4);
    assertThat(PodTrimmer.sameForTargeting(before, after)).isTrue();
  }

  @Test
  void labelNodePhaseAndOptOutChangesAreTargetingChanges() {
    Pod before = fullPod();
    Pod relabelled =
        new PodBuilder(before).editMetadata().addToLabels("app", "db").endMetadata().build();
    Pod finished = new PodBuilder(before).editStatus().withPhase("Succeeded").endStatus().build();
    Pod optedIn =
        new PodBuilder(before)
            .editMetadata()
            .withAnnotations(Map.of(ApiGroup.OPT_OUT_ANNOTATION, "false"))
            .endMetadata()
            .build();
    assertThat(PodTrimmer.sameForTargeting(before, relabelled)).isFalse();
    assertThat(PodTrimmer.sameForTargeting(before, finished)).isFalse();
    assertThat(PodTrimmer.sameForTargeting(before, optedIn)).isFalse();
  }
}

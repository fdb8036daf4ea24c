package dev.cgroupns.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.operator.status.StatusAggregator;
import dev.cgroupns.operator.testing.RealisticNodeObject;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeObjectTrimmerTest {
  @Test
  void keepsSpecAndPhasesDropsTheViews() {
    CgroupIsolationNode full = RealisticNodeObject.reported();
    full.getMetadata().setGeneration(3L);
    full.getStatus().observedGeneration = 3L;
    full.getStatus().atCreation = new AtCreationState(false, "the runtime refused");

    CgroupIsolationNode trimmed = NodeObjectTrimmer.trim(full);

    assertThat(InstructionPlan.sameSpec(trimmed, full)).isTrue();
    assertThat(trimmed.getMetadata().getOwnerReferences())
        .isEqualTo(full.getMetadata().getOwnerReferences());
    assertThat(StatusAggregator.reportsCurrentInstructions(trimmed)).isTrue();
    assertThat(trimmed.getStatus().atCreation.reason).isEqualTo("the runtime refused");
    assertThat(trimmed.getStatus().containers).hasSameSizeAs(full.getStatus().containers);
    var first = trimmed.getStatus().containers.get(0);
    assertThat(first.phase).isEqualTo(full.getStatus().containers.get(0).phase);
    assertThat(first.podUID).isEqualTo(full.getStatus().containers.get(0).podUID);
    assertThat(first.view).isNull();
    assertThat(first.containerID).isNull();

    int fullBytes = bytes(full);
    int trimmedBytes = bytes(trimmed);
    System.out.printf(
        "cached CgroupIsolationNode (%d containers): %d bytes full, %d bytes trimmed%n",
        full.getStatus().containers.size(), fullBytes, trimmedBytes);
    assertThat(trimmedBytes).isLessThan(fullBytes / 3);
  }

  @Test
  void cachedHeapPerContainer() {
    int objects = 50;
    long before = usedHeapAfterGc();
    List<CgroupIsolationNode> kept = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      kept.add(NodeObjectTrimmer.trim(RealisticNodeObject.reported()));
    }
    long after = usedHeapAfterGc();
    int containers = objects * kept.get(0).getStatus().containers.size();
    long perContainer = Math.max(0, (after - before) / containers);
    System.out.printf(
        "cached CgroupIsolationNode heap: ~%d bytes per container (%d objects)%n",
        perContainer, kept.size());
    // Generous: fails only if the cache kept the views again (several KB per container).
    assertThat(perContainer).isLessThan(2_000);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void anObjectWithoutStatusStaysWithout() {
    CgroupIsolationNode instructed = RealisticNodeObject.instructed();
    assertThat(NodeObjectTrimmer.trim(instructed).getStatus()).isNull();
  }

  private static int bytes(Object object) {
    return Serialization.asJson(object).getBytes(StandardCharsets.UTF_8).length;
  }
}

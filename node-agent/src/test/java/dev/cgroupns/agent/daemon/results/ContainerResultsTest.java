package dev.cgroupns.agent.daemon.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.IsolatedBy;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContainerResultsTest {
  @Test
  void aCopyHasEveryFieldOfTheResult() throws Exception {
    ContainerResult source = new ContainerResult();
    source.pod = "web";
    source.podUID = "11111111-1111-1111-1111-111111111111";
    source.container = "app";
    source.containerID = "containerd://" + "a".repeat(64);
    source.pid = 42L;
    source.cgroupVersion = dev.cgroupns.api.v1alpha1.CgroupVersion.V2;
    source.view = new dev.cgroupns.api.v1alpha1.ContainerView();
    source.privateNamespace = true;
    source.mountState = dev.cgroupns.api.v1alpha1.MountState.ReadOnly;
    source.isolatedBy = IsolatedBy.AtCreation;
    source.phase = ContainerPhase.Isolated;
    source.message = "isolated";
    source.lastTransitionTime = "2026-12-02T12:00:00Z";
    ContainerResult copy = ContainerResults.copy(source);
    // A field added to ContainerResult and forgotten in the copy would vanish from the status.
    for (Field field : instanceFields()) {
      assertThat(field.get(source)).as(field.getName()).isNotNull();
      assertThat(field.get(copy)).as(field.getName()).isEqualTo(field.get(source));
    }
  }

  @Test
  void howItWasIsolatedGoesWhenItIsNoLongerIsolated() {
    ContainerResult isolated = new ContainerResult();
    isolated.phase = ContainerPhase.Isolated;
    isolated.isolatedBy = IsolatedBy.AtCreation;
    assertThat(ContainerResults.withPhase(isolated, ContainerPhase.Reverted, "r").isolatedBy)
        .isNull();
    assertThat(ContainerResults.withPhase(isolated, ContainerPhase.Isolated, "i").isolatedBy)
        .isEqualTo(IsolatedBy.AtCreation);
  }

  private static Field[] instanceFields() {
    return Arrays.stream(ContainerResult.class.getFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()))
        .toArray(Field[]::new);
  }
}

package dev.cgroupns.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.operator.config.LeaderIdentity.Source;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LeaderIdentityTest {
  private static final Supplier<Optional<String>> NO_HOST = Optional::empty;

  @Test
  void isThePodNameWhenTheDeploymentGivesIt() {
    LeaderIdentity identity =
        LeaderIdentity.choose(
            Map.of("POD_NAME", "cgroup-isolation-operator-7d9f-x2x4q", "HOSTNAME", "node-1"),
            () -> Optional.of("resolved"));

    assertThat(identity.value()).isEqualTo("cgroup-isolation-operator-7d9f-x2x4q");
    assertThat(identity.source()).isEqualTo(Source.POD_NAME);
  }

  @Test
  void fallsBackToTheHostNameWithASuffixSoTwoProcessesOnOneHostDiffer() {
    LeaderIdentity first =
        LeaderIdentity.choose(Map.of("POD_NAME", " ", "HOSTNAME", "box"), NO_HOST);
    LeaderIdentity second = LeaderIdentity.choose(Map.of("HOSTNAME", "box"), NO_HOST);

    assertThat(first.source()).isEqualTo(Source.HOST_NAME);
    assertThat(first.value()).matches("box-[0-9a-f]{8}");
    assertThat(second.value()).matches("box-[0-9a-f]{8}").isNotEqualTo(first.value());
    assertThat(first.describe()).contains("POD_NAME is not set");
  }

  @Test
  void asksTheResolverWhenNoHostNameIsInTheEnvironment() {
    LeaderIdentity identity = LeaderIdentity.choose(Map.of(), () -> Optional.of("workstation"));

    assertThat(identity.source()).isEqualTo(Source.HOST_NAME);
    assertThat(identity.value()).startsWith("workstation-");
  }

  @Test
  void isGeneratedWhenNothingNamesThisReplica() {
    LeaderIdentity first = LeaderIdentity.choose(Map.of(), NO_HOST);
    LeaderIdentity second = LeaderIdentity.choose(Map.of(), NO_HOST);

    assertThat(first.source()).isEqualTo(Source.GENERATED);
    assertThat(first.value()).startsWith("cgroup-isolation-operator-").isNotEqualTo(second.value());
    assertThat(first.describe()).contains("generated");
  }

  @Test
  void isNeverBlank() {
    assertThatThrownBy(() -> new LeaderIdentity(" ", Source.POD_NAME))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

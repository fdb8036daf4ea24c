package dev.cgroupns.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  @Test
  void defaultsAreSafe() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of());
    assertThat(settings.allowReadWrite()).isFalse();
    assertThat(settings.revertTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.watchNamespaces()).isEmpty();
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.healthPort()).isEqualTo(8080);
    assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void readsEveryVariable() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "CGROUP_ISOLATION_ALLOW_READ_WRITE", "TRUE",
                "CGROUP_ISOLATION_REVERT_TIMEOUT", "90s",
                "POD_NAMESPACE", "cgi-system",
                "WATCH_NAMESPACES", "team-a, team-b,",
                "LEADER_ELECTION", "false",
                "POD_NAME", "cgroup-isolation-operator-5c8b7-hx2kq",
                "HEALTH_PORT", "9090",
                "SHUTDOWN_TIMEOUT", "PT5S"));
    assertThat(settings.allowReadWrite()).isTrue();
    assertThat(settings.revertTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.ownNamespace()).isEqualTo("cgi-system");
    assertThat(settings.watchNamespaces()).isEqualTo(Set.of("team-a", "team-b"));
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.leaderIdentity().value())
        .isEqualTo("cgroup-isolation-operator-5c8b7-hx2kq");
    assertThat(settings.healthPort()).isEqualTo(9090);
    assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void refusesAmbiguousValuesLoudly() {
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("CGROUP_ISOLATION_ALLOW_READ_WRITE", "yes")))
        .hasMessageContaining("CGROUP_ISOLATION_ALLOW_READ_WRITE must be true or false");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("CGROUP_ISOLATION_REVERT_TIMEOUT", "2 minutes")))
        .hasMessageContaining("CGROUP_ISOLATION_REVERT_TIMEOUT must be a duration");
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("HEALTH_PORT", "70000")))
        .hasMessageContaining("HEALTH_PORT out of range");
  }
}

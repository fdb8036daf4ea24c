package dev.cgroupns.agent.isolate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OwnMountNamespaceTest {
  private static final Optional<Long> AGENT = Optional.of(4026531841L);
  private static final Optional<Long> HOST = Optional.of(4026531840L);
  private static final Optional<Long> CONTAINER = Optional.of(4026532999L);

  @Test
  void aContainerApartFromItsRuntimeAndTheAgentIsItsOwn() {
    assertThat(OwnMountNamespace.refusal(CONTAINER, AGENT, AGENT, HOST)).isEmpty();
    assertThat(OwnMountNamespace.refusal(CONTAINER, AGENT, HOST, Optional.empty()))
        .as("a parent out of sight")
        .isEmpty();
  }

  @Test
  void theAgentsOwnOrTheReferencesNamespaceIsRefused() {
    assertThat(OwnMountNamespace.refusal(AGENT, AGENT, HOST, HOST))
        .hasValueSatisfying(r -> assertThat(r).contains("agent's own mount namespace"));
    assertThat(OwnMountNamespace.refusal(HOST, AGENT, HOST, Optional.empty()))
        .hasValueSatisfying(r -> assertThat(r).contains("agent's own mount namespace"));
  }

  @Test
  void aProcessInItsParentsNamespaceIsRefused() {
    // A hostPID pod's init that entered the host's namespace, seen from the agent's container.
    assertThat(OwnMountNamespace.refusal(HOST, AGENT, AGENT, HOST))
        .hasValueSatisfying(r -> assertThat(r).contains("process that started it"));
  }

  @Test
  void unreadableNamespacesAreRefusedRatherThanGuessed() {
    assertThat(OwnMountNamespace.refusal(Optional.empty(), AGENT, AGENT, HOST))
        .hasValueSatisfying(r -> assertThat(r).contains("cannot read"));
    assertThat(OwnMountNamespace.refusal(CONTAINER, Optional.empty(), AGENT, HOST)).isPresent();
  }
}

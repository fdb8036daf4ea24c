package dev.cgroupns.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class SandboxMainTest {

  @Test
  void anApiServersRefusalIsReportedInItsOwnWords() {
    KubernetesClientException refused =
        new KubernetesClientException(
            "Failure executing: PATCH at: https://127.0.0.1:6443/apis/... Received status: ...",
            422,
            new StatusBuilder()
                .withCode(422)
                .withMessage("CustomResourceDefinition \"x\" is invalid: spec: Forbidden")
                .build());

    assertThat(SandboxMain.failure(refused))
        .isEqualTo(
            "the API server answered 422: CustomResourceDefinition \"x\" is invalid: spec:"
                + " Forbidden");
  }

  @Test
  void anyOtherFailureKeepsItsMessage() {
    assertThat(SandboxMain.failure(new IllegalStateException("no runc"))).isEqualTo("no runc");
  }
}

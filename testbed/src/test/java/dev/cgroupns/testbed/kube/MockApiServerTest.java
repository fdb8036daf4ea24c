package dev.cgroupns.testbed.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockApiServerTest {

  @Test
  void servesTheProjectsCrdsAndTheirResourcesWithAStatusSubresource() {
    try (MockApiServer api = MockApiServer.start()) {
      assertThat(api.client().apiextensions().v1().customResourceDefinitions().list().getItems())
          .extracting(crd -> crd.getMetadata().getName())
          .containsExactlyInAnyOrder(
              "cgroupisolations.cgroupns.dev", "cgroupisolationnodes.cgroupns.dev");

      CustomResourceDefinition crd =
          api.client()
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName("cgroupisolations.cgroupns.dev")
              .get();
      GenericKubernetesResource created =
          api.client()
              .genericKubernetesResources(CustomResourceDefinitionContext.fromCrd(crd))
              .inNamespace("team")
              .resource(
                  new GenericKubernetesResourceBuilder()
                      .withApiVersion("cgroupns.dev/v1alpha1")
                      .withKind("CgroupIsolation")
                      .withNewMetadata()
                      .withName("web")
                      .endMetadata()
                      .withAdditionalProperties(Map.of("status", Map.of("observedGeneration", 7)))
                      .build())
              .create();

      // With a status subresource, a create ignores the status, as a real API server does.
      assertThat(created.getMetadata().getNamespace()).isEqualTo("team");
      assertThat(created.getAdditionalProperties()).doesNotContainKey("status");
    }
  }

  @Test
  void installingAgainUpdatesAndADirectoryWithoutCrdsIsRefused(@TempDir Path empty)
      throws Exception {
    try (MockApiServer api = MockApiServer.start()) {
      CrdInstaller installer = new CrdInstaller(api.client());
      assertThat(installer.install(ProjectCrds.directory()))
          .containsExactly("cgroupisolationnodes.cgroupns.dev", "cgroupisolations.cgroupns.dev");
      assertThat(
              api
                  .client()
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .list()
                  .getItems()
                  .stream()
                  .map(CustomResourceDefinition::getMetadata)
                  .map(m -> m.getName()))
          .hasSize(2);

      Files.writeString(empty.resolve("not-a-crd.yaml"), "apiVersion: v1\nkind: ConfigMap\n");
      assertThatThrownBy(() -> installer.install(empty))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no CustomResourceDefinition");
    }
  }
}

package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestPathTest {

  @Test
  void namespacedObjectWithSubresourceAndQuery() {
    RequestPath p =
        RequestPath.parse(
            "/apis/cgroupns.dev/v1alpha1/namespaces/default/cgroupisolations/demo/status"
                + "?fieldManager=kubectl-patch&fieldSelector=a%3Db%2Cc%3Dd");
    assertThat(p.group()).isEqualTo("cgroupns.dev");
    assertThat(p.version()).isEqualTo("v1alpha1");
    assertThat(p.namespace()).isEqualTo("default");
    assertThat(p.plural()).isEqualTo("cgroupisolations");
    assertThat(p.name()).isEqualTo("demo");
    assertThat(p.subresource()).isEqualTo("status");
    assertThat(p.query()).containsEntry("fieldSelector", "a=b,c=d");
    assertThat(p.isResource()).isTrue();
    assertThat(p.isWatch()).isFalse();
  }

  @Test
  void coreGroupNamespacesAreResourcesNotNamespacePrefixes() {
    RequestPath ns = RequestPath.parse("/api/v1/namespaces/default");
    assertThat(ns.group()).isEmpty();
    assertThat(ns.namespace()).isNull();
    assertThat(ns.plural()).isEqualTo("namespaces");
    assertThat(ns.name()).isEqualTo("default");
    RequestPath pods = RequestPath.parse("/api/v1/pods?watch=true");
    assertThat(pods.plural()).isEqualTo("pods");
    assertThat(pods.isWatch()).isTrue();
  }

  @Test
  void discoveryPathsAreNotResources() {
    assertThat(RequestPath.parse("/apis/cgroupns.dev/v1alpha1").isResource()).isFalse();
    assertThat(RequestPath.parse("/version").group()).isNull();
  }

  @Test
  void removesOneQueryParameterAndKeepsTheRest() {
    assertThat(
            RequestPath.withoutQueryParameter(
                "/api/v1/pods?fieldSelector=spec.nodeName%3Dlocal&watch=true", "fieldSelector"))
        .isEqualTo("/api/v1/pods?watch=true");
    assertThat(
            RequestPath.withoutQueryParameter("/api/v1/pods?fieldSelector=x%3Dy", "fieldSelector"))
        .isEqualTo("/api/v1/pods");
  }
}

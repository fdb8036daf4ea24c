package dev.cgroupns.agent.daemon.arrivals;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BundleAnnotationsTest {
  private static final String UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void containerdsContainerIsNamedAfterItsSpecAndItsIdsAreContainerds() {
    String config =
        "{\"ociVersion\":\"1.2.0\",\"process\":{\"env\":[\"A=1\"],\"args\":[\"sleep\"]},"
            + "\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
            + "\"io.kubernetes.cri.container-name\":\"main\","
            + "\"io.kubernetes.cri.sandbox-uid\":\""
            + UID
            + "\",\"other\":{\"nested\":[1,2]}},\"linux\":{}}";

    assertThat(BundleAnnotations.parse(json(config)))
        .contains(new BundleAnnotations(UID, "main", false, "containerd"));
  }

  @Test
  void crioSandboxesAreToldApart() {
    String config =
        "{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
            + "\"io.kubernetes.pod.uid\":\""
            + UID
            + "\"}}";

    assertThat(BundleAnnotations.parse(json(config)))
        .contains(new BundleAnnotations(UID, null, true, "cri-o"));
  }

  @Test
  void anythingButWhatARuntimeWritesIsRefused() {
    String[] refused = {
      "",
      "not json",
      "[]",
      "{\"annotations\":{}}",
      // nested annotations of a process are not the bundle's
      "{\"process\":{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\"}}}",
      "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
          + "\"io.kubernetes.cri.container-name\":\"main\","
          + "\"io.kubernetes.cri.sandbox-uid\":\"../../etc\"}}",
      "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
          + "\"io.kubernetes.cri.container-name\":\"Main/../x\","
          + "\"io.kubernetes.cri.sandbox-uid\":\""
          + UID
          + "\"}}",
      "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"vm\","
          + "\"io.kubernetes.cri.container-name\":\"main\","
          + "\"io.kubernetes.cri.sandbox-uid\":\""
          + UID
          + "\"}}",
      "{\"annotations\":{\"io.kubernetes.cri.container-type\":[\"container\"]}}",
    };
    for (String config : refused) {
      assertThat(BundleAnnotations.parse(json(config))).as(config).isEmpty();
    }
  }

  @Test
  void aBundleLargerThanAnyRuntimeWritesIsNotParsed() {
    byte[] huge = new byte[BundleAnnotations.MAX_BYTES + 1];
    assertThat(BundleAnnotations.parse(huge)).isEmpty();
    assertThat(BundleAnnotations.parse(null)).isEmpty();
  }

  @Test
  void aContainerNameIsADnsLabel() {
    String template =
        "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
            + "\"io.kubernetes.cri.container-name\":\"%s\","
            + "\"io.kubernetes.cri.sandbox-uid\":\""
            + UID
            + "\"}}";
    assertThat(BundleAnnotations.parse(json(template.formatted("a".repeat(63))))).isPresent();
    assertThat(BundleAnnotations.parse(json(template.formatted("a".repeat(64))))).isEmpty();
    assertThat(BundleAnnotations.parse(json(template.formatted("-a")))).isEmpty();
  }
}

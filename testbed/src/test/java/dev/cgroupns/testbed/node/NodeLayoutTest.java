package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeLayoutTest {

  private final NodeLayout node =
      new NodeLayout(Path.of("/tmp/cgroupns-node-123"), "cgroupns-node-123");

  @Test
  void theBridgeNameFitsALinuxInterfaceName() {
    assertThat(node.bridge()).hasSizeLessThanOrEqualTo(15).matches("cgns[0-9a-f]{8}");
  }

  @Test
  void namesFollowFromTheDirectoryAndTheNodeNameAlone() {
    NodeLayout again = new NodeLayout(Path.of("/tmp/cgroupns-node-123"), "cgroupns-node-123");
    assertThat(again.bridge()).isEqualTo(node.bridge());
    assertThat(again.network()).isEqualTo(node.network());
    assertThat(new NodeLayout(Path.of("/tmp/cgroupns-node-124"), "cgroupns-node-124").bridge())
        .isNotEqualTo(node.bridge());
  }

  @Test
  void everyPathIsInsideTheDirectory() {
    for (Path path :
        List.of(
            node.containerdRoot(),
            node.containerdState(),
            node.containerdSocket(),
            node.runcCriRoot(),
            node.nriSocket(),
            node.nriSocketDirectory(),
            node.cniConfDir(),
            node.cniIpamDir(),
            node.kubeletRoot(),
            node.kubeletCertDir(),
            node.podLogs())) {
      assertThat(path).startsWithRaw(node.dir());
    }
  }

  @Test
  void theConfigurationsPointOnlyIntoTheDirectoryAndAtDebiansBinaries() {
    String containerd =
        ContainerdConfig.render(node, Path.of("/usr/sbin/runc"), Path.of("/usr/lib/cni"));
    assertThat(containerd)
        .contains("version = 3")
        .contains("restrict_oom_score_adj = true")
        .contains("netns_mounts_under_state_dir = true")
        .contains("SystemdCgroup = false")
        .contains("imports = []")
        .contains("sandbox = '" + PauseImage.REFERENCE + "'");
    assertThat(containerd).doesNotContain("default_validator");
    String conflist = BridgeNetwork.conflist(node);
    assertThat(conflist)
        .contains("\"bridge\": \"" + node.bridge() + "\"")
        .contains("\"isGateway\": false")
        .contains("\"dataDir\": \"" + node.cniIpamDir() + "\"");
  }

  @Test
  void aValidatorRejectingNamespaceAdjustmentsIsASubTableOfContainerdsNriPlugin() {
    String containerd =
        ContainerdConfig.render(
            node,
            Path.of("/usr/sbin/runc"),
            Path.of("/usr/lib/cni"),
            NriValidation.REJECT_NAMESPACE_ADJUSTMENT);
    assertThat(containerd)
        .containsSubsequence(
            "[plugins.'io.containerd.nri.v1.nri']",
            "socket_path = '" + node.nriSocket() + "'",
            "[plugins.'io.containerd.nri.v1.nri'.default_validator]",
            "enable = true",
            "reject_namespace_adjustment = true",
            "[plugins.'io.containerd.cri.v1.images']");
  }
}

package dev.cgroupns.sandbox.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class OciConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The parts of `runc spec` output that the conversion touches. */
  private static JsonNode runcDefault() throws Exception {
    return JSON.readTree(
        """
        {"process":{"terminal":true,"args":["sh"]},
         "root":{"path":"rootfs","readonly":true},
         "hostname":"runc",
         "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
                   {"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup",
                    "options":["nosuid","noexec","nodev","relatime","ro"]}],
         "linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"cgroup"}]}}
        """);
  }

  @Test
  void demoContainerSeesTheHostCgroupfsInTheHostCgroupNamespace() throws Exception {
    JsonNode original = runcDefault();
    ObjectNode config =
        OciConfig.demoContainer(
            original, "/own/cgns-sandbox-1/kubepods/besteffort/podX/abc", "demo-0");

    assertThat(config.at("/process/args").toString()).isEqualTo("[\"sleep\",\"2147483647\"]");
    assertThat(config.at("/process/terminal").asBoolean()).isFalse();
    assertThat(config.at("/linux/cgroupsPath").asText())
        .isEqualTo("/own/cgns-sandbox-1/kubepods/besteffort/podX/abc");
    assertThat(config.at("/linux/namespaces").findValuesAsText("type"))
        .containsExactly("pid", "mount");
    assertThat(config.at("/hostname").asText()).isEqualTo("demo-0");
    JsonNode cgroupMounts = config.get("mounts");
    assertThat(cgroupMounts).hasSize(2);
    JsonNode bind = cgroupMounts.get(1);
    assertThat(bind.get("destination").asText()).isEqualTo("/sys/fs/cgroup");
    assertThat(bind.get("type").asText()).isEqualTo("bind");
    assertThat(bind.get("source").asText()).isEqualTo("/sys/fs/cgroup");
    assertThat(bind.get("options").toString()).isEqualTo("[\"rbind\",\"rw\"]");
    assertThat(original.at("/linux/namespaces")).hasSize(3);
  }

  @Test
  void rejectsCgroupPathsThatCouldEscape() throws Exception {
    JsonNode original = runcDefault();
    assertThatThrownBy(() -> OciConfig.demoContainer(original, "/a/../b", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OciConfig.demoContainer(original, "relative", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

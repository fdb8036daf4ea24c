package dev.cgroupns.testbed.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.testbed.image.ImageArchive;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CGROUPS_PATH = "/own/cgns-sandbox-1/kubepods/besteffort/podX/abc";

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
  void privilegedPodSeesTheHostCgroupfsInTheHostCgroupNamespace() throws Exception {
    JsonNode original = runcDefault();
    ObjectNode config =
        OciConfig.forContainer(original, ContainerSpec.privilegedPod(), CGROUPS_PATH, "demo-0");

    assertThat(config.at("/process/args").toString()).isEqualTo("[\"sleep\",\"2147483647\"]");
    assertThat(config.at("/process/terminal").asBoolean()).isFalse();
    assertThat(config.at("/root/readonly").asBoolean()).isFalse();
    assertThat(config.at("/linux/cgroupsPath").asText()).isEqualTo(CGROUPS_PATH);
    assertThat(config.at("/linux/namespaces").findValuesAsText("type"))
        .containsExactly("pid", "mount");
    assertThat(config.at("/linux/rootfsPropagation").isMissingNode()).isTrue();
    assertThat(config.at("/hostname").asText()).isEqualTo("demo-0");
    JsonNode mounts = config.get("mounts");
    assertThat(mounts).hasSize(2);
    JsonNode bind = mounts.get(1);
    assertThat(bind.get("destination").asText()).isEqualTo("/sys/fs/cgroup");
    assertThat(bind.get("type").asText()).isEqualTo("bind");
    assertThat(bind.get("source").asText()).isEqualTo("/sys/fs/cgroup");
    assertThat(bind.get("options").toString()).isEqualTo("[\"rbind\",\"rw\"]");
    assertThat(original.at("/linux/namespaces")).hasSize(3);
  }

  @Test
  void plainKeepsRuncsReadOnlyCgroupMountAndNoCgroupNamespaceWhateverRuncsDefault()
      throws Exception {
    ObjectNode config =
        OciConfig.forContainer(runcDefault(), ContainerSpec.plain(), CGROUPS_PATH, "c");

    assertThat(config.at("/linux/namespaces").findValuesAsText("type"))
        .containsExactly("pid", "mount");
    assertThat(config.at("/mounts/1/type").asText()).isEqualTo("cgroup");
    assertThat(config.at("/mounts/1/options").toString()).contains("\"ro\"");
  }

  @Test
  void cgroupNamespaceWritableMountAndSharedPropagationAreAddedOnRequest() throws Exception {
    ObjectNode config =
        OciConfig.forContainer(
            runcDefault(),
            ContainerSpec.plain()
                .withCgroupNamespace()
                .withWritableCgroupMount()
                .withSharedPropagation(),
            CGROUPS_PATH,
            "c");

    assertThat(config.at("/linux/namespaces").findValuesAsText("type"))
        .containsExactly("pid", "mount", "cgroup");
    assertThat(config.at("/mounts/1/type").asText()).isEqualTo("cgroup");
    assertThat(config.at("/mounts/1/options").toString()).doesNotContain("\"ro\"");
    assertThat(config.at("/linux/rootfsPropagation").asText()).isEqualTo("rshared");
  }

  @Test
  void rejectsCgroupPathsThatCouldEscape() throws Exception {
    JsonNode original = runcDefault();
    ContainerSpec spec = ContainerSpec.plain();
    assertThatThrownBy(() -> OciConfig.forContainer(original, spec, "/a/../b", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OciConfig.forContainer(original, spec, "relative", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theHostsCgroup2FlagsAreAddedToRuncsOwnCgroupMountOnly() throws Exception {
    ObjectNode plain =
        OciConfig.forContainer(
            runcDefault(), ContainerSpec.plain(), CGROUPS_PATH, "c", List.of("nsdelegate"));
    ObjectNode hostCgroupfs =
        OciConfig.forContainer(
            runcDefault(), ContainerSpec.privilegedPod(), CGROUPS_PATH, "c", List.of("nsdelegate"));

    assertThat(plain.at("/mounts/1/options").toString())
        .isEqualTo("[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\",\"nsdelegate\"]");
    assertThat(hostCgroupfs.at("/mounts/1/options").toString()).isEqualTo("[\"rbind\",\"rw\"]");
  }

  private static final ImageArchive.ImageConfig AGENT_IMAGE =
      new ImageArchive.ImageConfig(
          List.of("java", "-cp", "@/app/jib-classpath-file", "Main"),
          List.of(),
          List.of("PATH=/opt/java/openjdk/bin:/bin", "LANG=C.UTF-8"),
          "65532:65532",
          "");

  @Test
  void anImageRunsItsOwnProcessOnAReadOnlyRootWithAPrivateTmp() throws Exception {
    ObjectNode config =
        OciConfig.forImage(
            runcDefault(),
            AGENT_IMAGE,
            AGENT_IMAGE.command(List.of("--help")),
            Map.of("HEALTH_PORT", "8081"),
            CGROUPS_PATH,
            "img-1",
            OciConfig.ImageRole.WORKLOAD,
            -1L);

    assertThat(config.at("/process/args").toString())
        .isEqualTo("[\"java\",\"-cp\",\"@/app/jib-classpath-file\",\"Main\",\"--help\"]");
    assertThat(config.at("/process/env").toString())
        .isEqualTo("[\"PATH=/opt/java/openjdk/bin:/bin\",\"LANG=C.UTF-8\",\"HEALTH_PORT=8081\"]");
    assertThat(config.at("/process/user/uid").asInt()).isEqualTo(65532);
    assertThat(config.at("/process/user/gid").asInt()).isEqualTo(65532);
    assertThat(config.at("/process/cwd").asText()).isEqualTo("/");
    assertThat(config.at("/root/readonly").asBoolean()).isTrue();
    assertThat(config.get("mounts").findValuesAsText("destination")).contains("/tmp");
    assertThat(config.at("/linux/namespaces").findValuesAsText("type")).contains("pid");
    assertThat(config.at("/process/capabilities").isMissingNode()).isTrue();
  }

  @Test
  void theNodeAgentRoleHasTheDaemonSetsRights() throws Exception {
    long chownKillAndSysAdmin = 1L | 1L << 5 | 1L << 21;
    ObjectNode config =
        OciConfig.forImage(
            runcDefault(),
            AGENT_IMAGE,
            AGENT_IMAGE.command(List.of()),
            Map.of(),
            CGROUPS_PATH,
            "img-2",
            OciConfig.ImageRole.NODE_AGENT,
            chownKillAndSysAdmin);

    assertThat(config.at("/linux/namespaces").findValuesAsText("type")).doesNotContain("pid");
    assertThat(config.at("/process/capabilities/bounding").toString())
        .isEqualTo("[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_SYS_ADMIN\"]");
    assertThat(config.at("/process/capabilities/effective"))
        .isEqualTo(config.at("/process/capabilities/bounding"));
    JsonNode hostCgroupfs = config.get("mounts").get(config.get("mounts").size() - 1);
    assertThat(hostCgroupfs.get("destination").asText()).isEqualTo("/host/sys/fs/cgroup");
    assertThat(hostCgroupfs.get("source").asText()).isEqualTo("/sys/fs/cgroup");
    assertThat(config.at("/linux/maskedPaths").isMissingNode()).isTrue();
  }

  @Test
  void anImageUserMustBeNumeric() {
    ImageArchive.ImageConfig named =
        new ImageArchive.ImageConfig(List.of("x"), List.of(), List.of(), "nonroot", "");
    assertThatThrownBy(
            () ->
                OciConfig.forImage(
                    runcDefault(),
                    named,
                    List.of("x"),
                    Map.of(),
                    CGROUPS_PATH,
                    "i",
                    OciConfig.ImageRole.WORKLOAD,
                    0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nonroot");
  }

  @Test
  void theOperatorRoleHasNoCapabilitiesAndTheHostsNetwork() throws Exception {
    JsonNode withCaps =
        ((ObjectNode) runcDefault())
            .deepCopy()
            .set("process", JSON.readTree("{\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}"));
    ObjectNode config =
        OciConfig.forImage(
            withCaps,
            AGENT_IMAGE,
            List.of("x"),
            Map.of(),
            CGROUPS_PATH,
            "op",
            OciConfig.ImageRole.OPERATOR_ON_HOST_NETWORK,
            -1L);

    assertThat(config.at("/process/capabilities").isMissingNode()).isTrue();
    assertThat(config.at("/process/noNewPrivileges").asBoolean()).isTrue();
    assertThat(config.at("/process/user/uid").asInt()).isEqualTo(65532);
    assertThat(config.at("/linux/namespaces").findValuesAsText("type")).doesNotContain("network");
  }
}

package dev.cgroupns.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.DaemonSetSettings;
import dev.cgroupns.e2e.harness.BuiltImages;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import dev.cgroupns.testbed.runc.OciConfig;
import dev.cgroupns.testbed.runc.OciConfig.ImageRole;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node agent's image, as the build made it (the {@code images} profile, on the base image the
 * build makes itself), runs: its layers unpacked are the whole root filesystem of a runc container,
 * with no registry, no busybox and nothing of the host in it. Run as the DaemonSet runs it, it
 * inspects a real container on this host.
 */
class AgentImageTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RuncFixture runc;
  private Path image;

  @BeforeEach
  void setUp() {
    image = BuiltImages.archive("node-agent");
    runc = RuncFixture.create();
  }

  @AfterEach
  void tearDown() {
    if (runc != null) {
      runc.close();
    }
  }

  @Test
  void printsItsUsage() {
    long started = System.nanoTime();
    String out = runc.runImage(image, List.of("--help"), ImageRole.WORKLOAD);
    System.out.printf(
        "node-agent image --help under runc: %d ms%n", (System.nanoTime() - started) / 1_000_000);

    assertThat(out).startsWith("Usage: node-agent").contains("inspect", "isolate", "revert", "run");
    assertThat(out).contains("12 the process belongs to no container");
  }

  @Test
  void mapsItsClassDataArchiveUnderTheDaemonSetsFlags() {
    // -Xshare:on after the DaemonSet's flags: the JVM exits instead of running without the archive.
    String flags =
        String.join(" ", DaemonSetSettings.read().jvmFlags())
            + " -Xshare:on -Xlog:class+load=info:stdout";

    String out =
        runc.runImage(
            image, List.of("--help"), Map.of("JAVA_TOOL_OPTIONS", flags), ImageRole.NODE_AGENT);

    // The agent's own classes and its libraries' come from the archive, not from their jars.
    assertThat(out)
        .contains("dev.cgroupns.agent.cli.NodeAgentMain source: shared objects file")
        .contains("picocli.CommandLine source: shared objects file")
        .contains("Usage: node-agent");
    long shared = out.lines().filter(l -> l.contains("source: shared objects file")).count();
    long parsed =
        out.lines()
            .filter(l -> l.contains("source: jar:file:") || l.contains("source: file:"))
            .count();
    System.out.printf(
        "node-agent --help in its image: %d classes shared, %d parsed%n", shared, parsed);
    assertThat(shared).isGreaterThan(parsed);
  }

  @Test
  void inspectsARealContainerAsTheDaemonSetRunsIt() throws Exception {
    DemoContainer target = runc.start(ContainerSpec.plain());

    String out =
        runc.runImage(
            image,
            List.of(
                "inspect",
                "--pid",
                Integer.toString(target.pid()),
                "--json",
                "--cgroup-root",
                OciConfig.HOST_CGROUPFS_IN_AGENT),
            ImageRole.NODE_AGENT);

    // jnr's native stub loaded from the image's /tmp, the namespaces entered, the JSON written.
    JsonNode inspection = JSON.readTree(out);
    assertThat(inspection.path("process").path("pid").asInt()).isEqualTo(target.pid());
    assertThat(inspection.path("container").path("containerId").asText())
        .isEqualTo(target.containerId());
    assertThat(inspection.path("container").path("podUid").asText()).isEqualTo(target.podUid());
    assertThat(inspection.path("procSelfCgroup").toString()).contains(target.containerId());
    assertThat(inspection.path("view").path("mounts").isArray()).isTrue();
  }
}

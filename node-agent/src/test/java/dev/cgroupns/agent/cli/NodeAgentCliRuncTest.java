package dev.cgroupns.agent.cli;

import static dev.cgroupns.agent.runc.RuncFixture.identity;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.agent.isolate.StateStore;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.HostMountTable;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI on real runc containers: output, JSON and exit codes. */
class NodeAgentCliRuncTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private RuncFixture runc;
  private Path stateDir;
  private HostMountTable hostMounts;

  @BeforeEach
  void setUp() throws IOException {
    runc = RuncFixture.create();
    stateDir = runc.workDir().resolve("state");
    hostMounts = HostMountTable.snapshot();
  }

  @AfterEach
  void tearDown() throws IOException {
    // Null when setUp was skipped (no root, runc or busybox): nothing to check or close.
    if (runc == null) {
      return;
    }
    try {
      hostMounts.assertUnchanged();
    } finally {
      runc.close();
    }
  }

  @Test
  void inspectJsonAgreesWithWhatTheContainerReads() throws IOException {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());

    Run run = cli("inspect", "--pid", pid(c), "--json");

    assertThat(run.exit).isZero();
    JsonNode json = JSON.readTree(run.out);
    assertThat(json.get("privateNamespace").asBoolean()).isFalse();
    assertThat(json.get("exposesMore").asBoolean()).isTrue();
    assertThat(json.get("mountState").asText()).isEqualTo("ReadWrite");
    assertThat(json.get("container").get("containerId").asText()).isEqualTo(c.containerId());
    List<String> lines = new ArrayList<>();
    json.get("procSelfCgroup").forEach(n -> lines.add(n.asText()));
    assertThat(lines)
        .containsExactlyElementsOf(
            ProcCgroupParser.parse(c.exec("cat", "/proc/self/cgroup")).lines().stream()
                .map(l -> l.render())
                .toList());
  }

  @Test
  void auditThenIsolateThenAgainThenRevert() throws IOException {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    String before = c.exec("cat", "/proc/self/mountinfo");

    Run audit = cli("isolate", "--pid", pid(c), "--audit", "--json", "--state-dir", stateDir());
    assertThat(audit.exit).isZero();
    assertThat(JSON.readTree(audit.out).get("result").asText()).isEqualTo("WOULD_CHANGE");
    assertThat(c.exec("cat", "/proc/self/mountinfo")).isEqualTo(before);

    Run isolate = cli("isolate", "--pid", pid(c), "--state-dir", stateDir());
    assertThat(isolate.exit).isZero();
    assertThat(isolate.out)
        .contains("isolated: its cgroupfs mounts now show only its own subtree")
        .contains("Running processes keep their own /proc/self/cgroup lines");

    Run again = cli("isolate", "--pid", pid(c), "--json", "--state-dir", stateDir());
    assertThat(again.exit).isZero();
    assertThat(JSON.readTree(again.out).get("result").asText()).isEqualTo("ALREADY_ISOLATED");

    Run revert = cli("revert", "--pid", pid(c), "--state-dir", stateDir());
    assertThat(revert.exit).isZero();
    assertThat(revert.out).contains("reverted");
    assertThat(c.exec("cat", "/proc/self/mountinfo").lines().filter(l -> l.contains(" - cgroup")))
        .hasSize((int) before.lines().filter(l -> l.contains(" - cgroup")).count());
  }

  @Test
  void exitCodesForTheUsualMistakes() throws IOException {
    DemoContainer privateNs = runc.start(ContainerSpec.plain().withCgroupNamespace());

    assertThat(cli("inspect", "--pid", "999999999").exit).isEqualTo(ExitCodes.NO_SUCH_PROCESS);
    Run notContainer = cli("isolate", "--pid", Long.toString(ProcessHandle.current().pid()));
    assertThat(notContainer.exit).isEqualTo(ExitCodes.NOT_A_CONTAINER);
    assertThat(notContainer.err).contains("belongs to no container");
    Run wrongStart = cli("inspect", "--pid", pid(privateNs), "--start-time", "1", "--json");
    assertThat(wrongStart.exit).isEqualTo(ExitCodes.VANISHED);
    assertThat(JSON.readTree(wrongStart.out).get("error").asText()).contains("reused");
    Run alreadyPrivate = cli("isolate", "--pid", pid(privateNs), "--state-dir", stateDir());
    assertThat(alreadyPrivate.exit).isEqualTo(ExitCodes.ALREADY_PRIVATE);
    assertThat(alreadyPrivate.out).contains("private cgroup namespace");
    assertThat(cli("isolate", "--pid", "x").exit).isEqualTo(ExitCodes.USAGE);
    assertThat(cli("isolate").exit).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void aSecondCliProcessIsTurnedAwayWhileTheContainerIsLocked() throws Exception {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    String before = c.exec("cat", "/proc/self/mountinfo");

    try (StateStore.Lock lock = new StateStore(stateDir).lock(identity(c))) {
      Process other =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  NodeAgentMain.class.getName(),
                  "isolate",
                  "--pid",
                  pid(c),
                  "--state-dir",
                  stateDir())
              .redirectErrorStream(true)
              .start();
      String output = new String(other.getInputStream().readAllBytes());
      assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(other.exitValue()).as(output).isEqualTo(ExitCodes.BUSY);
      assertThat(output).contains("another agent");
    }
    assertThat(c.exec("cat", "/proc/self/mountinfo")).isEqualTo(before);
  }

  private String stateDir() {
    return stateDir.toString();
  }

  private static String pid(DemoContainer c) {
    return Integer.toString(c.pid());
  }

  private record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = NodeAgentMain.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, out.toString(), err.toString());
  }
}

package dev.cgroupns.agent.isolate;

import static dev.cgroupns.agent.runc.RuncFixture.identity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.cli.NodeAgentMain;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.HostMountTable;
import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own cgroup mounts are shared (as /sys/fs/cgroup is on systemd hosts, where the CLI
 * runs on the host), so a plain open_tree clone of them would join their peer group. A container
 * that can mount then mounts on its isolated (and on its reverted) cgroup mounts: nothing may
 * appear in the agent's mount namespace.
 *
 * <p>The agent is the real CLI in a process of its own, in a private mount namespace made with
 * unshare(1) whose cgroup mounts are then made rshared: the peer groups exist only in that
 * namespace, so even a regression cannot reach the host. The container's mounts are made with
 * nsenter(1) into its mount namespace, with every capability, as a container with CAP_SYS_ADMIN
 * could make them.
 */
class SharedSourcePropagationRuncTest {
  @TempDir Path stateDir;
  @TempDir Path work;

  private RuncFixture runc;
  private HostMountTable hostMounts;

  @BeforeEach
  void setUp() throws Exception {
    runc = RuncFixture.create();
    Requirements.requireExecutable("unshare");
    Requirements.requireExecutable("nsenter");
    hostMounts = HostMountTable.snapshot();
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      runc.close();
    } finally {
      hostMounts.assertUnchanged();
    }
  }

  @Test
  void mountsOnIsolatedAndRevertedCgroupMountsDoNotReachTheAgent() throws Exception {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ProcFs procFs = ProcFs.host();
    ContainerIsolator isolator =
        ContainerIsolator.create(
            procFs, CgroupLayout.detect(procFs, null), new StateStore(stateDir));
    List<String> mountPoints =
        isolator.plan(identity(c), true).changes().stream().map(MountChange::mountPoint).toList();
    assertThat(mountPoints).as("the container has cgroup mounts to isolate").isNotEmpty();
    String marker =
        "cgns-leak-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

    Path script = work.resolve("agent.sh");
    Files.writeString(script, script(c.pid(), mountPoints, marker));
    Process agent =
        new ProcessBuilder(
                "unshare", "--mount", "--propagation", "private", "sh", script.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(agent.getInputStream().readAllBytes());
    assertThat(agent.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(agent.exitValue()).as(output).isZero();

    String afterIsolate = Files.readString(work.resolve("container-after-isolate"));
    String afterRevert = Files.readString(work.resolve("container-after-revert"));
    assertThat(afterIsolate)
        .as("the container did mount on its isolated cgroup mounts")
        .contains(marker);
    assertThat(afterRevert)
        .as("the container did mount on its reverted cgroup mounts")
        .contains(marker);
    assertThat(Files.readString(work.resolve("agent-after-isolate")))
        .as("the agent's mounts after the container mounted on its isolated mounts")
        .doesNotContain(marker);
    assertThat(Files.readString(work.resolve("agent-after-revert")))
        .as("the agent's mounts after the container mounted on its reverted mounts")
        .doesNotContain(marker);
    assertThat(Files.readString(work.resolve("agent-before")))
        .as("the agent's cgroup mounts were shared, so a clone that kept that would leak")
        .contains("shared:");
  }

  /**
   * The agent's side: make its cgroup mounts shared, isolate, let the container mount, record both
   * mount tables, unmount; the same after a revert.
   */
  private String script(int pid, List<String> mountPoints, String marker) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cli =
        "'"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + NodeAgentMain.class.getName()
            + " %s --pid "
            + pid
            + " --state-dir '"
            + stateDir
            + "' || exit 20\n";
    StringBuilder mount = new StringBuilder();
    StringBuilder umount = new StringBuilder();
    for (String mp : mountPoints) {
      mount.append(
          "nsenter -t %d -m mount -t tmpfs %s '%s' || exit 21\n".formatted(pid, marker, mp));
      umount.append("nsenter -t %d -m umount '%s' || exit 22\n".formatted(pid, mp));
    }
    String w = work.toString();
    return "set -u\n"
        + "mount --make-rshared /sys/fs/cgroup || exit 10\n"
        + "cat /proc/self/mountinfo > '"
        + w
        + "/agent-before'\n"
        + cli.formatted("isolate")
        + mount
        + "cat /proc/self/mountinfo > '"
        + w
        + "/agent-after-isolate'\n"
        + "cat /proc/"
        + pid
        + "/mountinfo > '"
        + w
        + "/container-after-isolate'\n"
        + umount
        + cli.formatted("revert")
        + mount
        + "cat /proc/self/mountinfo > '"
        + w
        + "/agent-after-revert'\n"
        + "cat /proc/"
        + pid
        + "/mountinfo > '"
        + w
        + "/container-after-revert'\n"
        + umount;
  }
}

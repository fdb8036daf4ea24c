package dev.cgroupns.agent.isolate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.cli.ExitCodes;
import dev.cgroupns.agent.cli.NodeAgentMain;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.DaemonSetSettings;
import dev.cgroupns.agent.testing.HostMountTable;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import dev.cgroupns.testbed.runc.MountTableBomb;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A privileged container that fills its own mount namespace with mounts must not take the agent
 * down. The agent CLI runs in a JVM started with the DaemonSet's own JAVA_TOOL_OPTIONS (28 MiB
 * heap, exit on OutOfMemoryError):
 *
 * <ul>
 *   <li>65,536 tmpfs mounts: it still isolates the container (and reverts it), because it keeps of
 *       the table only the cgroupfs mounts and the few mounts around them;
 *   <li>8,192 copies of a cgroupfs mount: more than it keeps, so it refuses that one container with
 *       the documented exit code, and changes nothing.
 * </ul>
 *
 * <p>Each time a neighbour is isolated as usual, and the host's mountinfo stays byte-identical.
 */
class MountTableBombRuncTest {
  /** 2^16 mounts: one tmpfs, recursively bind-mounted into itself 16 times. */
  private static final int TMPFS_DOUBLINGS = 16;

  private static final int TMPFS_BOMB_MOUNTS = 1 << TMPFS_DOUBLINGS;

  /** 2^13 copies of a tmpfs holding a copy of a cgroupfs mount: 8,192 cgroupfs mounts. */
  private static final int CGROUP_DOUBLINGS = 13;

  private RuncFixture runc;
  private HostMountTable hostMounts;

  @BeforeEach
  void setUp() throws IOException {
    runc = RuncFixture.create();
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
  void aContainerWith65536MountsIsIsolatedWithinTheDaemonSetHeapAndSoIsItsNeighbour()
      throws Exception {
    DemoContainer bomb = runc.start(ContainerSpec.privilegedPod());
    DemoContainer neighbour = runc.start(ContainerSpec.privilegedPod());
    fillMountTable(bomb, TMPFS_DOUBLINGS, null);
    assertThat(mountCount(bomb)).isGreaterThan(TMPFS_BOMB_MOUNTS);
    List<String> original = describe(cgroupMountsOf(bomb));

    assertIsolatedUnderTheDaemonSetFlags(bomb);
    assertIsolatedUnderTheDaemonSetFlags(neighbour);

    // The revert reads the record first, so the mounts around its mount points are kept too.
    Run revert = agentUnderDaemonSetFlags("revert", "--pid", Integer.toString(bomb.pid()));
    assertThat(revert.output).doesNotContain("OutOfMemoryError");
    assertThat(revert.exit).as(revert.output).isZero();
    assertThat(revert.output).contains("reverted");
    assertThat(describe(cgroupMountsOf(bomb))).isEqualTo(original);
    assertThat(mountCount(bomb))
        .as("the bomb's own mounts are untouched")
        .isGreaterThan(TMPFS_BOMB_MOUNTS);
  }

  @Test
  void moreCgroupfsMountsThanTheAgentKeepsAreRefusedAsTooLargeAndTheNeighbourIsIsolated()
      throws Exception {
    DemoContainer bomb = runc.start(ContainerSpec.privilegedPod());
    DemoContainer neighbour = runc.start(ContainerSpec.privilegedPod());
    fillMountTable(bomb, CGROUP_DOUBLINGS, cgroupMountsOf(bomb).get(0).mountPoint());
    List<String> before = describe(cgroupMountsOf(bomb));
    assertThat(before).hasSizeGreaterThan(MountInfoParser.MAX_KEPT);

    Run refused = agentUnderDaemonSetFlags("isolate", "--pid", Integer.toString(bomb.pid()));

    assertThat(refused.output).doesNotContain("OutOfMemoryError");
    assertThat(refused.exit).as(refused.output).isEqualTo(ExitCodes.MOUNT_TABLE_TOO_LARGE);
    assertThat(refused.output)
        .contains("more than " + MountInfoParser.MAX_KEPT + " mounts")
        .contains("cgroupfs mounts");
    assertThat(describe(cgroupMountsOf(bomb))).as("nothing changed").isEqualTo(before);
    assertIsolatedUnderTheDaemonSetFlags(neighbour);
  }

  private void assertIsolatedUnderTheDaemonSetFlags(DemoContainer c) throws Exception {
    Run run = agentUnderDaemonSetFlags("isolate", "--pid", Integer.toString(c.pid()));

    assertThat(run.output).doesNotContain("OutOfMemoryError");
    assertThat(run.exit).as(run.output).isZero();
    assertThat(run.output).contains("isolated: its cgroupfs mounts now show only");
    assertSeesOnlyItsOwnSubtreeReadOnly(c);
  }

  /** Fills the container's mount table with its own process ({@link MountTableBomb}). */
  private void fillMountTable(DemoContainer c, int doublings, String cgroupMount)
      throws IOException {
    Files.createDirectories(c.rootfs().resolve("bomb"));
    runc.execAsAdmin(c, "sh", "-c", MountTableBomb.script(doublings, cgroupMount));
  }

  private record Run(int exit, String output) {}

  /** The agent CLI in a child JVM with exactly the DaemonSet's JVM and malloc settings. */
  private Run agentUnderDaemonSetFlags(String... args) throws Exception {
    DaemonSetSettings settings = DaemonSetSettings.read();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(settings.jvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(NodeAgentMain.class.getName());
    command.addAll(List.of(args));
    command.addAll(List.of("--state-dir", runc.workDir().resolve("state").toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().putAll(settings.mallocSettings());
    Process agent = builder.start();
    String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(agent.waitFor(5, TimeUnit.MINUTES)).as(output).isTrue();
    return new Run(agent.exitValue(), output);
  }

  /** Every cgroupfs mount the container has shows its own cgroup, read-only. */
  private static void assertSeesOnlyItsOwnSubtreeReadOnly(DemoContainer c) throws IOException {
    List<MountInfoEntry> cgroupMounts = cgroupMountsOf(c);
    assertThat(cgroupMounts).isNotEmpty();
    for (MountInfoEntry mount : cgroupMounts) {
      assertThat(mount.root()).as(mount.mountPoint()).isEqualTo(c.cgroupsPath());
      assertThat(mount.readOnly()).as(mount.mountPoint() + " read-only").isTrue();
    }
  }

  /**
   * The container's cgroupfs mounts, read from the host a line at a time (the table is megabytes).
   * The host's cgroup namespace renders their roots, as it renders the container's own cgroup path.
   */
  private static List<MountInfoEntry> cgroupMountsOf(DemoContainer c) throws IOException {
    List<MountInfoEntry> cgroupMounts = new ArrayList<>();
    try (BufferedReader lines = mountInfoOf(c)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.contains(" - cgroup")) {
          cgroupMounts.addAll(MountInfoParser.parse(line).cgroupMounts());
        }
      }
    }
    return cgroupMounts;
  }

  private static List<String> describe(List<MountInfoEntry> mounts) {
    return mounts.stream()
        .map(
            m ->
                m.mountPoint()
                    + " "
                    + m.root()
                    + " "
                    + String.join(",", m.mountOptions())
                    + " "
                    + m.fsType())
        .toList();
  }

  private static long mountCount(DemoContainer c) throws IOException {
    try (BufferedReader lines = mountInfoOf(c)) {
      return lines.lines().count();
    }
  }

  private static BufferedReader mountInfoOf(DemoContainer c) throws IOException {
    return Files.newBufferedReader(
        Path.of("/proc", Integer.toString(c.pid()), "mountinfo"), StandardCharsets.UTF_8);
  }
}

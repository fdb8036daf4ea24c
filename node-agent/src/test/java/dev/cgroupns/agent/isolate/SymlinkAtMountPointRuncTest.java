package dev.cgroupns.agent.isolate;

import static dev.cgroupns.agent.runc.RuncFixture.identity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.HostMountTable;
import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Between the plan and the swap, root in the container replaces one of its cgroup mount points by a
 * symbolic link to a directory of its choosing. The agent resolves mount points without following
 * links (openat2 RESOLVE_NO_SYMLINKS for the parent, statx AT_SYMLINK_NOFOLLOW for the mount ID,
 * move_mount onto the parent fd), so it must refuse that mount point, undo what it changed, and
 * never mount anything where the link points.
 *
 * <p>The link is planted with nsenter(1) into the container's mount namespace, with every
 * capability, as a container with CAP_SYS_ADMIN could do it.
 */
class SymlinkAtMountPointRuncTest {
  private final ProcFs procFs = ProcFs.host();
  private RuncFixture runc;
  private HostMountTable hostMounts;
  private ContainerIsolator isolator;

  @BeforeEach
  void setUp() throws IOException {
    runc = RuncFixture.create();
    Requirements.requireExecutable("nsenter");
    hostMounts = HostMountTable.snapshot();
    isolator =
        ContainerIsolator.create(
            procFs,
            CgroupLayout.detect(procFs, null),
            new StateStore(runc.workDir().resolve("state")));
  }

  @AfterEach
  void tearDown() throws IOException {
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
  void aSymlinkPlantedAtACgroupMountPointIsNotFollowed() throws Exception {
    // runc's own tmpfs at /sys/fs/cgroup with writable bind mounts: every mount point is changed.
    DemoContainer c = runc.start(ContainerSpec.plain().withWritableCgroupMount());
    ProcessIdentity id = identity(c);
    IsolationPlan plan = isolator.plan(id, true);
    assertThat(plan.changes()).isNotEmpty();
    String victim = plan.changes().get(plan.changes().size() - 1).mountPoint();
    String decoy = "/cgns-decoy";

    assertThatThrownBy(
            () ->
                isolator
                    .withObserver(
                        (step, p) -> {
                          if (step == IsolationObserver.Step.BEFORE_NAMESPACE_SWITCH) {
                            plantSymlink(c.pid(), victim, decoy);
                          }
                        })
                    .isolate(IsolationRequest.of(id)))
        .isInstanceOf(IsolationFailedException.class)
        .hasMessageContaining(victim)
        .satisfies(e -> assertThat(((IsolationFailedException) e).containerUnchanged()).isTrue());

    String mountInfo = Files.readString(Path.of("/proc/" + c.pid() + "/mountinfo"));
    assertThat(mountInfo).as("nothing is mounted where the link points").doesNotContain(decoy);
    assertThat(c.exec("ls", "-A", decoy)).as("the decoy directory is still empty").isBlank();
    assertThat(c.exec("readlink", victim)).as("the link is still there").contains(decoy);
  }

  /** Replaces the mount at {@code mountPoint} by a symbolic link to {@code target}. */
  private static void plantSymlink(int pid, String mountPoint, String target) {
    String script =
        "mount -o remount,rw /sys/fs/cgroup 2>/dev/null; mkdir -p %s && umount -l %s && rmdir %s && ln -s %s %s"
            .formatted(target, mountPoint, mountPoint, target, mountPoint);
    try {
      Process p =
          new ProcessBuilder("nsenter", "-t", Integer.toString(pid), "-m", "sh", "-c", script)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("could not plant the symlink: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

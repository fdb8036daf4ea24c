package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InitScriptTest {

  private final String script =
      new InitScript(
              List.of("virtio", "9pnet", "9p"),
              "/work/m/target/vm-reports",
              "/work/m/target/vm-reports/job.sh")
          .render();

  @Test
  void loadsTheModulesInTheGivenOrderBeforeMountingTheShares() {
    int virtio = script.indexOf("insmod /lib/modules/virtio.ko");
    int ninePNet = script.indexOf("insmod /lib/modules/9pnet.ko");
    int ninePee = script.indexOf("insmod /lib/modules/9p.ko");
    int share = script.indexOf("mount -t 9p");
    assertThat(virtio).isPositive().isLessThan(ninePNet);
    assertThat(ninePNet).isLessThan(ninePee);
    assertThat(ninePee).isLessThan(share);
  }

  @Test
  void theHostRootIsReadOnlyUnderAnOverlayAndTheResultsShareIsWritableAtItsHostPath() {
    assertThat(script)
        .startsWith("#!/bin/busybox sh\n")
        .contains(
            "mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /lower")
        .contains("lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot")
        .contains(
            "mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /newroot/work/m/target/vm-reports");
  }

  @Test
  void mountsCgroup2WithNsdelegateAndTheUsualFilesystems() {
    assertThat(script)
        .contains("mount -t cgroup2 -o nsdelegate cgroup2 /newroot/sys/fs/cgroup")
        .contains("cgroup.subtree_control")
        .contains("mount -t proc proc /newroot/proc")
        .contains("mount -t sysfs sysfs /newroot/sys")
        .contains("mount --move /dev /newroot/dev")
        .contains("/newroot/tmp")
        .contains("/newroot/run")
        .contains("ip link set lo up");
  }

  @Test
  void switchesRootIntoTheJobAndPowersOffOnAnyFailure() {
    assertThat(script)
        .contains("exec switch_root /newroot /bin/sh /work/m/target/vm-reports/job.sh\n")
        .contains("poweroff -f");
    assertThat(script.lines().filter(l -> l.startsWith("mount ")))
        .allSatisfy(l -> assertThat(l).contains("|| fail"));
  }

  @Test
  void pathsAndModulesThatTheShellWouldInterpretAreRefused() {
    assertThatThrownBy(() -> new InitScript(List.of("9p"), "/a b", "/j.sh"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InitScript(List.of("9p"), "/r", "/r/$(x).sh"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InitScript(List.of("9p;reboot"), "/r", "/r/j.sh"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InitScript(List.of("9p"), "/r/../etc", "/r/j.sh"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCheckoutUnderTmpIsHeldAsideAndShownAboveTheGuestsOwnTmpfs() {
    assertThat(
            InitScript.hiddenBy(
                java.util.List.of(
                    "/tmp/clone/node-agent/target/vm-reports",
                    "/tmp/clone/api/target/classes",
                    "/root/.m2/repository/x.jar",
                    "/run/ci/work",
                    "/tmp")))
        .containsExactly("/run/ci", "/tmp/clone");

    String script =
        new InitScript(
                java.util.List.of("9p"),
                "/tmp/clone/node-agent/target/vm-reports",
                "/tmp/clone/node-agent/target/vm-reports/job.sh",
                java.util.List.of("/tmp/clone"))
            .render();

    int hold = script.indexOf("mount --bind /newroot/tmp/clone /keep/0");
    int tmpfs = script.indexOf("mount -t tmpfs -o mode=1777 tmp /newroot/tmp");
    int show = script.indexOf("mount --move /keep/0 /newroot/tmp/clone");
    int results = script.indexOf("mount -t 9p -o " + InitScript.RESULTS_OPTIONS);
    assertThat(hold).isPositive().isLessThan(tmpfs);
    assertThat(show).isGreaterThan(tmpfs).isLessThan(results);
  }
}

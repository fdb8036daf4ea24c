package dev.cgroupns.sandbox.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerViewTest {

  @Test
  void keepsOnlyCgroupMountsWithTheirRootAndAccess() {
    List<String> mountinfo =
        List.of(
            "600 599 0:90 / / rw,relatime - overlay overlay rw",
            "610 600 0:29 / /sys/fs/cgroup/cpu rw,nosuid - cgroup cgroup rw,cpu",
            "611 600 0:32 /kubepods/besteffort/podA/c1 /sys/fs/cgroup/memory ro,nosuid shared:5 -"
                + " cgroup cgroup rw,memory",
            "612 600 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw",
            "613 600 0:5 / /dev rw - tmpfs tmpfs rw");

    List<ContainerView.CgroupMount> mounts = ContainerViewReader.cgroupMounts(mountinfo);

    assertThat(mounts)
        .containsExactly(
            new ContainerView.CgroupMount("/sys/fs/cgroup/cpu", "/", "cgroup", "rw"),
            new ContainerView.CgroupMount(
                "/sys/fs/cgroup/memory", "/kubepods/besteffort/podA/c1", "cgroup", "ro"),
            new ContainerView.CgroupMount("/sys/fs/cgroup/unified", "/", "cgroup2", "rw"));
  }

  @Test
  void reportShowsBeforeAndAfterForEveryAspect() {
    ContainerView before =
        new ContainerView(
            List.of("4:memory:/kubepods/besteffort/podA/c1"),
            List.of(new ContainerView.CgroupMount("/sys/fs/cgroup/memory", "/", "cgroup", "rw")),
            List.of("memory"),
            94,
            List.of("/sys/fs/cgroup/memory", "/sys/fs/cgroup/memory/kubepods"));
    ContainerView after =
        new ContainerView(
            before.procSelfCgroup(),
            List.of(
                new ContainerView.CgroupMount(
                    "/sys/fs/cgroup/memory", "/kubepods/besteffort/podA/c1", "cgroup", "ro")),
            List.of("memory"),
            0,
            List.of("/sys/fs/cgroup/memory"));

    String report = ViewReport.render("what demo-0-app sees", before, after);

    assertThat(report)
        .contains("=== what demo-0-app sees ===")
        .contains("/sys/fs/cgroup/memory  root=/  cgroup  rw")
        .contains("/sys/fs/cgroup/memory  root=/kubepods/besteffort/podA/c1  cgroup  ro")
        .containsPattern("reach under /sys/fs/cgroup\\n  before:\\n    94\\n  after:\\n    0\\n")
        .contains("no process can be moved into a new cgroup namespace");
  }

  @Test
  void abbreviationsShortenTheBodyAndAreExplainedOnce() {
    ContainerView view =
        new ContainerView(
            List.of("4:memory:/own/cgns-sandbox-1/kubepods/besteffort/podA/" + "c".repeat(64)),
            List.of(),
            List.of(),
            1,
            List.of());
    java.util.Map<String, String> abbreviations = new java.util.LinkedHashMap<>();
    abbreviations.put("/own/cgns-sandbox-1", "$SANDBOX");
    abbreviations.put("c".repeat(64), "cccccccccccc...");

    String report = ViewReport.render("t", view, view, abbreviations);

    assertThat(report).contains("($SANDBOX = /own/cgns-sandbox-1)");
    assertThat(report).contains("4:memory:$SANDBOX/kubepods/besteffort/podA/cccccccccccc...");
    assertThat(report.split("/own/cgns-sandbox-1", -1)).hasSize(2);
  }

  @Test
  void onlyEveryLineAtTheRootMeansIsolatedAtCreation() {
    assertThat(ViewReport.atCreationNote(List.of("12:memory:/", "0::/")))
        .startsWith("every line \"/\": isolated at creation");
    assertThat(
            ViewReport.atCreationNote(
                List.of("12:memory:/", "0::/kubepods/besteffort/pod1/" + "d".repeat(64))))
        .startsWith("host paths: not isolated at creation");
    assertThat(ViewReport.atCreationNote(List.of())).startsWith("host paths");
  }

  @Test
  void aSingleViewShowsItsCgroupLinesMountsAndReach() {
    ContainerView view =
        new ContainerView(
            List.of("0::/"),
            List.of(new ContainerView.CgroupMount("/sys/fs/cgroup/memory", "/", "cgroup", "ro")),
            List.of("memory"),
            1,
            List.of());

    assertThat(ViewReport.renderOne("what demo-late sees", "a note", view))
        .isEqualTo(
            """
            === what demo-late sees ===
            --- /proc/self/cgroup (a note)
                0::/
            --- cgroup mounts (mount point, root, type, access)
                /sys/fs/cgroup/memory  root=/  cgroup  ro
            --- cgroup directories it can reach under /sys/fs/cgroup
                1
            """);
  }
}

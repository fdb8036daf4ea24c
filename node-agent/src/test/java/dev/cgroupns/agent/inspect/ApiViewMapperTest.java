package dev.cgroupns.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.ContainerView;
import dev.cgroupns.api.v1alpha1.MountState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiViewMapperTest {
  private static final ProcessIdentity P = new ProcessIdentity(7, 8);

  private static CgroupMountView mount(String point, String root, boolean ro, CgroupRelation r) {
    return new CgroupMountView(1, point, false, "memory", root, "/c", ro, r);
  }

  @Test
  void linesWithOnePathBecomeOneEntryWithoutHierarchies() {
    List<CgroupPaths> paths =
        ApiViewMapper.groupByPath(
            ProcCgroupParser.parse("2:cpu,cpuacct:/k/c\n1:name=systemd:/k/c\n0::/k/c\n").lines());

    assertThat(paths)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path).isEqualTo("/k/c");
              assertThat(p.hierarchies).isNull();
            });
  }

  @Test
  void linesWithDifferentPathsNameTheirHierarchies() {
    List<CgroupPaths> paths =
        ApiViewMapper.groupByPath(
            ProcCgroupParser.parse("2:cpu,cpuacct:/k/c\n1:name=systemd:/k/c\n0::/\n").lines());

    assertThat(paths)
        .extracting(p -> p.hierarchies + " " + p.path)
        .containsExactly("cpu,cpuacct;name=systemd /k/c", " /");
  }

  @Test
  void mountsGroupByRootAccessAndExposureWithCompactMountPoints() {
    ContainerInspection inspection =
        new ContainerInspection(
            P,
            CgroupNamespace.HOST,
            1,
            List.of(),
            List.of(),
            List.of(
                mount("/sys/fs/cgroup/cpu", "/", false, CgroupRelation.WIDER),
                mount("/sys/fs/cgroup/memory", "/", false, CgroupRelation.WIDER),
                mount("/sys/fs/cgroup/pids", "/c", true, CgroupRelation.OWN_SUBTREE),
                mount("/other/memory", "/", false, CgroupRelation.WIDER)));

    ContainerView view = ApiViewMapper.toView(inspection);

    assertThat(view.mounts).hasSize(2);
    assertThat(view.mounts.get(0).mountPoints)
        .isEqualTo("/sys/fs/cgroup/{cpu,memory},/other/memory");
    assertThat(view.mounts.get(0).exposesMore).isTrue();
    assertThat(view.mounts.get(1).mountPoints).isEqualTo("/sys/fs/cgroup/pids");
    assertThat(view.mounts.get(1).readOnly).isTrue();
    assertThat(inspection.mountState()).isEqualTo(MountState.Mixed);
    assertThat(inspection.exposesMore()).isTrue();
  }

  @Test
  void longMountPointListsAreCut() {
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add("/m" + i + "/x");
    }
    assertThat(MountPointList.compact(many, 2048)).hasSize(2048).endsWith("...");
  }

  @Test
  void unknownRelationCountsAsExposingMore() {
    assertThat(mount("/a", "/", false, null).exposesMore()).isTrue();
  }
}

package dev.cgroupns.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.testing.Fixtures;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KubeletCgroupNamesTest {
  static final String ID = "3f5a8d2c9b7e4f1a6c0d8e2b5a9f7c3d1e6b4a8f2c0d9e7b5a3f1c8d6e4b2a09";
  static final String UID = "0d6f2b7e-4c1a-4e8b-9f3d-2a5c7e9b1d40";
  static final String U_ID = UID.replace('-', '_');

  /** Every row of the kubelet naming table, with the leaf each runtime writes there. */
  @ParameterizedTest(name = "{0} {1} {3}")
  @CsvSource({
    // driver, qos, pod cgroup, leaf, runtime
    "CGROUPFS, GUARANTEED, /kubepods/pod{uid}, {id}, UNKNOWN",
    "CGROUPFS, BURSTABLE, /kubepods/burstable/pod{uid}, {id}, UNKNOWN",
    "CGROUPFS, BEST_EFFORT, /kubepods/besteffort/pod{uid}, {id}, UNKNOWN",
    "CGROUPFS, BURSTABLE, /kubepods/burstable/pod{uid}, crio-{id}, CRIO",
    "CGROUPFS, GUARANTEED, /kubepods/pod{uid}, crio-{id}, CRIO",
    "SYSTEMD, GUARANTEED, /kubepods.slice/kubepods-pod{u_id}.slice, cri-containerd-{id}.scope, CONTAINERD",
    "SYSTEMD, BURSTABLE, /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{u_id}.slice,"
        + " cri-containerd-{id}.scope, CONTAINERD",
    "SYSTEMD, BEST_EFFORT, /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{u_id}.slice,"
        + " cri-containerd-{id}.scope, CONTAINERD",
    "SYSTEMD, BURSTABLE, /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{u_id}.slice,"
        + " crio-{id}.scope, CRIO",
    "SYSTEMD, BEST_EFFORT, /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{u_id}.slice,"
        + " docker-{id}.scope, DOCKER",
    "SYSTEMD, GUARANTEED, /kubepods.slice/kubepods-pod{u_id}.slice, crio-{id}.scope, CRIO",
  })
  void kubeletLayouts(String driver, String qos, String pod, String leaf, String runtime) {
    String podPath = fill(pod);
    String containerPath = podPath + "/" + fill(leaf);

    for (String prefix : new String[] {"", "/process_api/abc", "/../.."}) {
      ContainerCgroup c = KubeletCgroupNames.parse(prefix + containerPath).orElseThrow();

      assertThat(c.podUid()).hasValue(UID);
      assertThat(c.containerId()).isEqualTo(ID);
      assertThat(c.driver()).isEqualTo(CgroupDriver.valueOf(driver));
      assertThat(c.qos()).hasValue(QosClass.valueOf(qos));
      assertThat(c.runtime()).isEqualTo(ContainerRuntime.valueOf(runtime));
      assertThat(c.podCgroupPath()).isEqualTo(prefix + podPath);
      assertThat(c.containerCgroupPath()).isEqualTo(prefix + containerPath);
    }
  }

  @Test
  void crunContainerLeafBelongsToTheScope() {
    String scope =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + U_ID
            + ".slice/crio-"
            + ID
            + ".scope";

    ContainerCgroup c = KubeletCgroupNames.parse(scope + "/container").orElseThrow();

    assertThat(c.containerId()).isEqualTo(ID);
    assertThat(c.runtime()).isEqualTo(ContainerRuntime.CRIO);
    assertThat(c.containerCgroupPath()).isEqualTo(scope);
  }

  @Test
  void conmonIsNotAContainer() {
    assertThat(
            KubeletCgroupNames.parse(
                "/kubepods.slice/kubepods-pod" + U_ID + ".slice/crio-conmon-" + ID + ".scope"))
        .isEmpty();
    assertThat(KubeletCgroupNames.parse("/kubepods/pod" + UID + "/crio-conmon-" + ID)).isEmpty();
  }

  @Test
  void customSystemdCgroupRootPrefixesTheSliceNames() {
    ContainerCgroup c =
        KubeletCgroupNames.parse(
                "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
                    + "kubelet-kubepods-besteffort-pod"
                    + U_ID
                    + ".slice/cri-containerd-"
                    + ID
                    + ".scope")
            .orElseThrow();

    assertThat(c.qos()).hasValue(QosClass.BEST_EFFORT);
    assertThat(c.driver()).isEqualTo(CgroupDriver.SYSTEMD);
  }

  @ParameterizedTest
  @CsvSource({
    "/docker/{id}, CGROUPFS, DOCKER, /docker",
    "/system.slice/docker-{id}.scope, SYSTEMD, DOCKER, /system.slice",
    "/machine.slice/libpod-{id}.scope, SYSTEMD, UNKNOWN, /machine.slice",
    "/process_api/x/docker/{id}, CGROUPFS, DOCKER, /process_api/x/docker",
  })
  void plainContainersHaveNoPod(String path, String driver, String runtime, String parent) {
    ContainerCgroup c = KubeletCgroupNames.parse(fill(path)).orElseThrow();

    assertThat(c.podUid()).isEmpty();
    assertThat(c.qos()).isEmpty();
    assertThat(c.containerId()).isEqualTo(ID);
    assertThat(c.driver()).isEqualTo(CgroupDriver.valueOf(driver));
    assertThat(c.runtime()).isEqualTo(ContainerRuntime.valueOf(runtime));
    assertThat(c.podCgroupPath()).isEqualTo(parent);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/kubepods/burstable/pod{uid}",
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{u_id}.slice",
        "/system.slice/kubelet.service",
        // IDs must be exactly 64 lowercase hex digits
        "/kubepods/pod{uid}/{id}0",
        "/kubepods/pod{uid}/A{id63}",
        "/kubepods/pod{uid}/g{id63}",
        "/kubepods/pod{uid}/{id63}",
        // the pod UID must be a dashed lowercase UUID in cgroupfs, underscored in systemd
        "/kubepods/pod{u_id}/{id}",
        "/kubepods/podNOTAUID/{id}",
        "/kubepods.slice/kubepods-pod{uid}.slice/cri-containerd-{id}.scope",
        // the QoS level must sit where the kubelet puts it
        "/kubepods/other/pod{uid}/{id}",
        "/burstable/pod{uid}/{id}",
        "/kubepods.slice/kubepods-burstable-pod{u_id}.slice/cri-containerd-{id}.scope",
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-burstable-pod{u_id}.slice/crio-{id}.scope",
        // a leaf directly under a QoS or runtime-unknown parent
        "/kubepods/burstable/{id}",
        "/somewhere/{id}",
        "/system.slice/cri-containerd-{id}.scope",
        "relative/docker/{id}",
      })
  void notAContainer(String path) {
    assertThat(KubeletCgroupNames.parse(fill(path))).isEmpty();
  }

  @Test
  void nullAndHugeInputs() {
    assertThat(KubeletCgroupNames.parse(null)).isEmpty();
    assertThat(KubeletCgroupNames.parse("/docker/" + ID + "/" + "x".repeat(10_000))).isEmpty();
  }

  @Test
  void theOutermostContainerWinsOverNamesItCreatedBelowItself() {
    String other = "c0ffee00a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef0123456789";
    String path = "/kubepods/pod" + UID + "/" + ID + "/kubepods/pod" + UID + "/" + other;

    ContainerCgroup c = KubeletCgroupNames.parse(path).orElseThrow();

    assertThat(c.containerId()).isEqualTo(ID);
    assertThat(c.containerCgroupPath()).isEqualTo("/kubepods/pod" + UID + "/" + ID);
  }

  @ParameterizedTest
  @CsvSource({
    "v1/docker-container-cgroup.txt, , DOCKER",
    "v1/kubelet-docker-container-cgroup.txt, 5b8e1f3a-9c2d-4a7b-8e6f-1d3c5a7b9e20, UNKNOWN",
    "v2/privileged-container-cgroup.txt, 0d6f2b7e-4c1a-4e8b-9f3d-2a5c7e9b1d40, CONTAINERD",
    "v2/cgroupns-container-cgroup-read-from-host.txt, 0d6f2b7e-4c1a-4e8b-9f3d-2a5c7e9b1d40,"
        + " CONTAINERD",
    "v2/zombie-deleted-cgroup.txt, 0d6f2b7e-4c1a-4e8b-9f3d-2a5c7e9b1d40, CONTAINERD",
    "v2/crio-crun-container-cgroup.txt, 0d6f2b7e-4c1a-4e8b-9f3d-2a5c7e9b1d40, CRIO",
    "hybrid/runc-hostns-cgroup.txt, 1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b, UNKNOWN",
    "hybrid/runc-cgroupns-cgroup-read-from-host.txt, 1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5c,"
        + " CONTAINERD",
    "hybrid/runc-hostns-cgroup-read-from-cgroupns.txt, 1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b,"
        + " UNKNOWN",
  })
  void fixtureContainers(String fixture, String podUid, String runtime) {
    for (CgroupLine line : ProcCgroupParser.parse(Fixtures.text(fixture)).lines()) {
      if (line.path().equals("/")) {
        continue; // rdma is not delegated to docker containers in the v1 fixture
      }
      ContainerCgroup c = KubeletCgroupNames.parse(line.path()).orElseThrow();
      assertThat(c.podUid()).isEqualTo(Optional.ofNullable(podUid));
      assertThat(c.runtime()).isEqualTo(ContainerRuntime.valueOf(runtime));
    }
  }

  @Test
  void containersSeeNoContainerInTheirOwnNamespacedView() {
    assertThat(KubeletCgroupNames.parse("/")).isEmpty();
    assertThat(
            ProcCgroupParser.parse(Fixtures.text("v2/crio-conmon-cgroup.txt")).lines().stream()
                .map(l -> KubeletCgroupNames.parse(l.path())))
        .allMatch(Optional::isEmpty);
  }

  static String fill(String template) {
    return template
        .replace("{id63}", ID.substring(1))
        .replace("{id}", ID)
        .replace("{uid}", UID)
        .replace("{u_id}", U_ID);
  }
}

package dev.cgroupns.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The finder over a fake /proc tree, where every race and layout can be staged exactly. */
class ContainerProcessFinderTest {
  static final String UID = KubeletCgroupNamesTest.UID;
  static final String APP = KubeletCgroupNamesTest.ID;
  static final String PAUSE = "c0ffee00a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef0123456789";
  static final String SIDECAR = "9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9";
  static final String POD = "/kubepods/burstable/pod" + UID;

  @TempDir Path proc;
  private ContainerProcessFinder finder;

  @BeforeEach
  void setUp() {
    finder = new ContainerProcessFinder(new ProcFs(proc));
  }

  @Test
  void initIsTheOldestProcessOfTheContainerNotOfThePod() throws IOException {
    process(10, 100, POD + "/" + PAUSE); // the pause container is older than the app
    process(20, 300, POD + "/" + APP); // a child the app forked, but with a lower PID
    process(30, 200, POD + "/" + APP); // the app's init
    process(40, 50, "/system.slice/kubelet.service");

    ContainerProcess init = finder.findInit(APP).orElseThrow();

    assertThat(init.init()).isEqualTo(new ProcessIdentity(30, 200));
    assertThat(init.cgroup().containerId()).isEqualTo(APP);
    assertThat(init.cgroup().podUid()).hasValue(UID);
    assertThat(init.cgroups().lines()).hasSize(2);
  }

  @Test
  void scanAllFindsEveryContainerOnce() throws IOException {
    process(10, 100, POD + "/" + PAUSE);
    process(11, 101, POD + "/" + PAUSE);
    process(30, 200, POD + "/" + APP);
    process(31, 250, POD + "/" + APP + "/nested-by-the-app");
    process(
        50,
        400,
        "/kubepods.slice/kubepods-pod"
            + UID.replace('-', '_')
            + ".slice/crio-"
            + SIDECAR
            + ".scope/container");
    process(
        60,
        10,
        "/kubepods.slice/kubepods-pod"
            + UID.replace('-', '_')
            + ".slice/crio-conmon-"
            + SIDECAR
            + ".scope");
    process(70, 5, "/user.slice");

    Map<String, ContainerProcess> all = finder.scanAll();

    assertThat(all).containsOnlyKeys(PAUSE, APP, SIDECAR);
    assertThat(all.get(PAUSE).init().pid()).isEqualTo(10);
    assertThat(all.get(APP).init().pid()).isEqualTo(30);
    assertThat(all.get(SIDECAR).init().pid())
        .as("conmon is older but not the container")
        .isEqualTo(50);
    assertThat(all.get(SIDECAR).cgroup().runtime()).isEqualTo(ContainerRuntime.CRIO);
  }

  @Test
  void processesThatVanishMidScanAreSkipped() throws IOException {
    process(30, 200, POD + "/" + APP);
    // 31 exited between the directory listing and the reads: its directory is empty.
    Files.createDirectories(proc.resolve("31"));
    // 32's cgroup was read but its stat is gone.
    Path p32 = Files.createDirectories(proc.resolve("32"));
    Files.writeString(p32.resolve("cgroup"), FakeProc.cgroupFile(POD + "/" + APP));

    assertThat(finder.scanAll()).containsOnlyKeys(APP);
    assertThat(finder.findInit(APP)).map(p -> p.init().pid()).hasValue(30);
  }

  @Test
  void tiesOnStartTimeGoToTheLowerPid() throws IOException {
    process(41, 200, POD + "/" + APP);
    process(40, 200, POD + "/" + APP);

    assertThat(finder.findInit(APP)).map(p -> p.init().pid()).hasValue(40);
  }

  @Test
  void aProcessWhoseHierarchiesNameDifferentContainersIsIgnored() throws IOException {
    Path dir = Files.createDirectories(proc.resolve("30"));
    Files.writeString(dir.resolve("stat"), FakeProc.stat(30, 200));
    Files.writeString(
        dir.resolve("cgroup"),
        "4:memory:" + POD + "/" + APP + "\n0::" + POD + "/" + SIDECAR + "\n");

    assertThat(finder.scanAll()).isEmpty();
    assertThat(finder.containerOf(30)).isEmpty();
  }

  @Test
  void containerOfAProcess() throws IOException {
    process(30, 200, POD + "/" + APP);
    process(40, 50, "/system.slice/kubelet.service");

    assertThat(finder.containerOf(30)).map(ContainerCgroup::containerId).hasValue(APP);
    assertThat(finder.containerOf(40)).isEmpty();
    assertThatThrownBy(() -> finder.containerOf(99)).isInstanceOf(ProcessVanishedException.class);
  }

  @Test
  void noProcessNoInit() throws IOException {
    process(30, 200, POD + "/" + APP);

    assertThat(finder.findInit(SIDECAR)).isEmpty();
  }

  @Test
  void findInitValidatesTheIdBeforeLookingAtAnything() {
    assertThatThrownBy(() -> finder.findInit("../../etc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lowercase hex");
  }

  @Test
  void garbageInAProcessFileDoesNotStopTheScan() throws IOException {
    process(30, 200, POD + "/" + APP);
    Path bad = Files.createDirectories(proc.resolve("31"));
    Files.writeString(bad.resolve("cgroup"), FakeProc.cgroupFile(POD + "/" + APP));
    Files.writeString(bad.resolve("stat"), "garbage");

    assertThat(finder.findInit(APP)).map(p -> p.init().pid()).hasValue(30);
  }

  private void process(int pid, long startTime, String cgroupPath) throws IOException {
    FakeProc.writeProcess(proc, pid, startTime, cgroupPath);
  }
}

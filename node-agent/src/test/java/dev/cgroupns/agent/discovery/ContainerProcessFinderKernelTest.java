package dev.cgroupns.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.agent.testing.TestCgroups;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The finder on the real /proc: processes moved into kubelet-named cgroups below the test's own
 * cgroup are found, with the oldest as init, and a container whose processes exit is gone.
 */
class ContainerProcessFinderKernelTest {
  private static final String UID = KubeletCgroupNamesTest.UID;
  private static final String APP = KubeletCgroupNamesTest.ID;
  private static final String PAUSE = ContainerProcessFinderTest.PAUSE;

  @Test
  void findsRealProcessesInKubeletNamedCgroups() throws Exception {
    Requirements.requireRoot();
    Requirements.requireLinuxProc();
    String pod = "kubepods/burstable/pod" + UID;
    ProcFs procFs = ProcFs.host();
    ContainerProcessFinder finder = new ContainerProcessFinder(procFs);

    try (TestCgroups cgroups = TestCgroups.create("finder")) {
      cgroups.mkdirs(pod + "/" + PAUSE);
      cgroups.mkdirs(pod + "/" + APP);
      Process pause = new ProcessBuilder("sleep", "300").start();
      Process appInit = new ProcessBuilder("sleep", "300").start();
      ProcessIdentity appInitId = procFs.identity((int) appInit.pid()).orElseThrow();
      Process appChild = null;
      try {
        // Ensure the child's start time is later: start it only once the clock tick moved on.
        appChild = startLaterThan(procFs, appInitId);
        cgroups.moveProcess(pause.pid(), pod + "/" + PAUSE);
        cgroups.moveProcess(appChild.pid(), pod + "/" + APP);
        cgroups.moveProcess(appInit.pid(), pod + "/" + APP);

        ContainerProcess found = finder.findInit(APP).orElseThrow();
        assertThat(found.init()).isEqualTo(appInitId);
        assertThat(found.cgroup().podUid()).hasValue(UID);
        assertThat(found.cgroup().qos()).hasValue(QosClass.BURSTABLE);
        assertThat(finder.containerOf((int) appChild.pid()))
            .map(ContainerCgroup::containerId)
            .hasValue(APP);

        Map<String, ContainerProcess> all = finder.scanAll();
        assertThat(all.get(PAUSE).init().pid()).isEqualTo((int) pause.pid());
        assertThat(all.get(APP).init()).isEqualTo(appInitId);
      } finally {
        for (Process p : new Process[] {pause, appInit, appChild}) {
          if (p != null) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
          }
        }
      }
      assertThat(finder.findInit(APP)).isEmpty();
      assertThat(finder.scanAll()).doesNotContainKeys(APP, PAUSE);
    }
  }

  private static Process startLaterThan(ProcFs procFs, ProcessIdentity earlier) throws Exception {
    while (true) {
      Process p = new ProcessBuilder("sleep", "300").start();
      ProcessIdentity id = procFs.identity((int) p.pid()).orElseThrow();
      if (id.startTime() > earlier.startTime()) {
        return p;
      }
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      Thread.sleep(20); // one clock tick is 10 ms
    }
  }
}

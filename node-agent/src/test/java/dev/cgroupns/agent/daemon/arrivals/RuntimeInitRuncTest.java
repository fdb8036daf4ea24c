package dev.cgroupns.agent.daemon.arrivals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What the kernel and runc show of a container between its creation and its start: the facts the
 * early isolation of {@link RuntimeInit#setUp} rests on. A kernel that renamed the FIFO wait, or a
 * runc that waited elsewhere, fails here rather than leaving arrivals to the pod status unseen.
 */
class RuntimeInitRuncTest {
  private final ProcFs procFs = ProcFs.host();

  @Test
  void runcsInitWaitsToBeStartedOnAFifoAndCountsAsSetUpFromThenOn() {
    try (RuncFixture runc = RuncFixture.create()) {
      DemoContainer c = runc.create(ContainerSpec.privilegedPod());
      int pid = c.pid();

      assertThat(procFs.comm(pid)).isEqualTo(RuntimeInit.RUNC_INIT);
      assertThat(procFs.wchan(pid)).isEqualTo(RuntimeInit.FIFO_OPEN_WAIT);
      assertThat(RuntimeInit.setUp(procFs.comm(pid), () -> procFs.wchan(pid))).isTrue();

      runc.startCreated(c);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !procFs.comm(pid).equals(RuntimeInit.RUNC_INIT));
      assertThat(procFs.wchan(pid)).isNotEqualTo(RuntimeInit.FIFO_OPEN_WAIT);
      assertThat(RuntimeInit.setUp(procFs.comm(pid), () -> procFs.wchan(pid))).isTrue();
    }
  }
}

package dev.cgroupns.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperatorDeploymentTest {

  @Test
  void readsTheCommittedDeployment() throws Exception {
    OperatorDeployment deployment = OperatorDeployment.read();
    assertThat(deployment.javaToolOptions()).contains("-XX:MaxRAMPercentage=");
    assertThat(deployment.memoryLimitBytes()).isGreaterThanOrEqualTo(64L << 20);
    assertThat(deployment.maxRamFlag()).isEqualTo("-XX:MaxRAM=" + deployment.memoryLimitBytes());
  }
}

package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLockTest {

  @TempDir Path dir;

  @Test
  void aSecondNodeWaitsForTheFirstToStop() {
    Path file = dir.resolve("node.lock");
    NodeLock first = NodeLock.acquire(file, Duration.ZERO);
    assertThatThrownBy(() -> NodeLock.acquire(file, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already runs a node");
    first.close();
    NodeLock.acquire(file, Duration.ZERO).close();
  }
}

package dev.cgroupns.e2e.lifecycle;

import dev.cgroupns.e2e.harness.E2eCluster;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh cluster for every test: one test's leftovers cannot decide another's outcome, and closing
 * the cluster fails the test that left the machine changed.
 */
abstract class ClusterPerTest {
  /** The labels most tests select on. */
  static final Map<String, String> WEB = Map.of("app", "web");

  E2eCluster cluster;

  @BeforeEach
  void startCluster() {
    cluster = E2eCluster.start();
  }

  @AfterEach
  void stopCluster() {
    // Null when the start was skipped (no root, runc or Kubernetes binaries) or failed; the start
    // cleans up after itself then.
    if (cluster != null) {
      cluster.close();
    }
  }
}

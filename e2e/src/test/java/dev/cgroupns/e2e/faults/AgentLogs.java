package dev.cgroupns.e2e.faults;

import dev.cgroupns.e2e.harness.AgentProcessControlPlane;
import dev.cgroupns.e2e.harness.E2eCluster;

/** Runs a test body and, if it fails, attaches the agent processes' logs to the failure. */
final class AgentLogs {

  interface Body {
    void run() throws Exception;
  }

  private AgentLogs() {}

  static void onFailure(E2eCluster cluster, Body body) throws Exception {
    try {
      body.run();
    } catch (Exception | AssertionError e) {
      e.addSuppressed(
          new AssertionError(
              "agent logs:\n" + AgentProcessControlPlane.logTails(cluster.agentStateDir(), 60)));
      throw e;
    }
  }
}

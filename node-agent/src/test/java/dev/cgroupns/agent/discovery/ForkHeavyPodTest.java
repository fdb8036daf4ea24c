package dev.cgroupns.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.testing.DaemonSetSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod that forks tens of thousands of processes must not exhaust the agent's heap: the finder
 * scans a /proc of 60,000 processes of one container (plus a quiet neighbour) in a JVM started with
 * the DaemonSet's own JAVA_TOOL_OPTIONS, and still names both containers' inits. A synthetic /proc
 * stands in for the forks; only the count matters here.
 */
class ForkHeavyPodTest {
  private static final int FORKS = 60_000;
  private static final String POD = ContainerProcessFinderTest.POD;
  private static final String BUSY = ContainerProcessFinderTest.APP;
  private static final String QUIET = ContainerProcessFinderTest.PAUSE;

  @TempDir Path proc;

  @Test
  void sixtyThousandProcessesInOnePodFitTheDaemonSetHeap() throws Exception {
    FakeProc.writeProcess(proc, 5, 40, POD + "/" + QUIET);
    for (int i = 0; i < FORKS; i++) {
      // Start times descend, so the oldest process is the last one the scan meets.
      FakeProc.writeProcess(proc, 100 + i, 1_000_000L - i, POD + "/" + BUSY);
    }

    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(DaemonSetSettings.read().jvmFlags());
    command.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), Scan.class.getName(), proc.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process scan = builder.start();
    String output = new String(scan.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(scan.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(output)
        .as("the scan under the DaemonSet's JVM flags")
        .contains(BUSY + " " + (100 + FORKS - 1))
        .contains(QUIET + " 5")
        .doesNotContain("OutOfMemoryError");
    assertThat(scan.exitValue()).isZero();
  }

  /** The child JVM: scans the /proc given and prints each container's init PID. */
  public static final class Scan {
    private Scan() {}

    public static void main(String[] args) {
      Map<String, ContainerProcess> all =
          new ContainerProcessFinder(new ProcFs(Path.of(args[0]))).scanAll();
      all.forEach((id, init) -> System.out.println(id + " " + init.init().pid()));
    }
  }
}

package dev.cgroupns.agent.bench;

import static dev.cgroupns.agent.runc.RuncFixture.identity;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.isolate.ContainerIsolator;
import dev.cgroupns.agent.isolate.IsolationOutcome.Result;
import dev.cgroupns.agent.isolate.IsolationPlan;
import dev.cgroupns.agent.isolate.IsolationRequest;
import dev.cgroupns.agent.isolate.MountChange;
import dev.cgroupns.agent.isolate.RevertRecords;
import dev.cgroupns.agent.isolate.StateStore;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Times, on the same kind of runc container in the same run, (a) the agent's isolate and revert and
 * (b) the design note's procedure done by hand with util-linux: a shell joins the container's
 * cgroups, {@code unshare -C}, {@code nsenter -m}, then umount and mount each hierarchy. Prints the
 * medians and their ratio. The container is the "host cgroupfs exposed" kind (every v1 hierarchy
 * plus v2 mounted with the whole host tree), where both procedures replace all of them.
 *
 * <p>Between shell runs the agent's revert restores the original mounts (from a record written the
 * way isolate writes it), which is not timed.
 *
 * <p>Usage: {@code IsolationBench [agentRounds] [shellRounds] [stateDir]}; run as root.
 */
public final class IsolationBench {
  private IsolationBench() {}

  public static void main(String[] args) throws Exception {
    int agentRounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int shellRounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    Path stateDir =
        args.length > 2
            ? Path.of(args[2])
            : Files.createTempDirectory(Path.of("/dev/shm"), "cgroup-isolation-bench");
    ProcFs procFs = ProcFs.host();
    CgroupLayout layout = CgroupLayout.detect(procFs, null);
    StateStore store = new StateStore(stateDir);
    ContainerIsolator isolator = ContainerIsolator.create(procFs, layout, store);
    try (RuncFixture runc = RuncFixture.create()) {
      DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
      ProcessIdentity id = identity(c);
      int mounts = isolator.plan(id, true).changes().size();

      AgentTimes agent = measureAgent(isolator, id, agentRounds);
      long[] shell = new long[shellRounds];
      long shellCpu = 0;
      String script = shellScript(c, layout, isolator.plan(id, true));
      for (int i = -2; i < shellRounds; i++) {
        IsolationPlan plan = isolator.plan(id, true);
        writeRecordAsIsolateWould(store, id, plan);
        long cpu0 = CpuTime.childrenNanos();
        long t0 = System.nanoTime();
        runShell(script);
        long t1 = System.nanoTime();
        shellCpu += i >= 0 ? CpuTime.childrenNanos() - cpu0 : 0;
        require(isolator.isolate(IsolationRequest.of(id)).result(), Result.ALREADY_ISOLATED);
        require(isolator.revert(id, false).result(), Result.REVERTED);
        if (i >= 0) {
          shell[i] = t1 - t0;
        }
      }

      double byHand = medianMillis(shell);
      System.out.printf(
          "container with %d cgroupfs mounts (host cgroupfs exposed), %d agent rounds,"
              + " %d shell rounds%n",
          mounts, agentRounds, shellRounds);
      printRow("agent isolate", agent.isolate);
      printRow("agent revert", agent.revert);
      printRow("shell (util-linux)", shell);
      System.out.printf(
          "ratio shell / agent isolate: %.1fx; shell / agent isolate+revert: %.1fx%n",
          byHand / medianMillis(agent.isolate),
          byHand / medianMillis(sum(agent.isolate, agent.revert)));
      System.out.printf(
          "CPU time per round: agent isolate+revert %.3f ms (whole JVM, all threads), shell"
              + " %.3f ms (its processes; clock-tick resolution)%n",
          agent.cpuNanos / 1e6 / agentRounds, shellCpu / 1e6 / shellRounds);
      System.out.printf("load average at the end: %s%n", CpuTime.loadAverage());
    } finally {
      try (var files = Files.list(stateDir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(stateDir);
    }
  }

  /** Wall times of each round and the JVM's CPU time over the measured rounds. */
  private record AgentTimes(long[] isolate, long[] revert, long cpuNanos) {}

  /** Isolate then revert, {@code rounds} times after a fifth as many warm-up rounds. */
  private static AgentTimes measureAgent(
      ContainerIsolator isolator, ProcessIdentity id, int rounds) {
    long[] isolate = new long[rounds];
    long[] revert = new long[rounds];
    long cpu = 0;
    for (int i = -rounds / 5; i < rounds; i++) {
      if (i == 0) {
        cpu = -CpuTime.ownNanos();
      }
      long t0 = System.nanoTime();
      require(isolator.isolate(IsolationRequest.of(id)).result(), Result.ISOLATED);
      long t1 = System.nanoTime();
      require(isolator.revert(id, false).result(), Result.REVERTED);
      long t2 = System.nanoTime();
      if (i >= 0) {
        isolate[i] = t1 - t0;
        revert[i] = t2 - t1;
      }
    }
    return new AgentTimes(isolate, revert, cpu + CpuTime.ownNanos());
  }

  /**
   * The design note by hand: join the container's cgroup in every hierarchy (the shell moves
   * itself: v1 and v2 cgroup.procs), then {@code unshare -C} and {@code nsenter -m} into the
   * container, make its mounts slave, and umount + mount each cgroupfs read-only.
   */
  static String shellScript(DemoContainer c, CgroupLayout layout, IsolationPlan plan) {
    StringBuilder join = new StringBuilder("set -e\n");
    StringBuilder inner = new StringBuilder("set -e; mount --make-rslave /; ");
    for (MountChange change : plan.changes()) {
      Path dir = layout.directoryOf(change.hierarchy(), change.targetRoot());
      join.append("echo $$ > ").append(dir.resolve("cgroup.procs")).append('\n');
      String options = "ro,nosuid,nodev,noexec";
      String type = "cgroup2";
      if (!change.v2()) {
        type = "cgroup";
        for (String controller : change.hierarchy().controllers().stream().sorted().toList()) {
          options += controller.startsWith("name=") ? ",none," + controller : "," + controller;
        }
      }
      inner
          .append("umount ")
          .append(change.mountPoint())
          .append("; mount -t ")
          .append(type)
          .append(" -o ")
          .append(options)
          .append(' ')
          .append(type)
          .append(' ')
          .append(change.mountPoint())
          .append("; ");
    }
    join.append("exec unshare -C nsenter -t ")
        .append(c.pid())
        .append(" -m /bin/sh -c '")
        .append(inner)
        .append("'\n");
    return join.toString();
  }

  private static void runShell(String script) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/bin/sh", "-c", script)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("the shell procedure failed: " + script);
    }
  }

  private static void writeRecordAsIsolateWould(
      StateStore store, ProcessIdentity id, IsolationPlan plan) {
    store.write(RevertRecords.recordFor(id, plan, java.util.Optional.empty()));
  }

  private static void require(Result actual, Result expected) {
    if (actual != expected) {
      throw new IllegalStateException("expected " + expected + ", got " + actual);
    }
  }

  private static long[] sum(long[] a, long[] b) {
    long[] s = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      s[i] = a[i] + b[i];
    }
    return s;
  }

  private static void printRow(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "%-22s median %8.3f ms   p10 %8.3f ms   min %8.3f ms%n",
        what, medianMillis(nanos), sorted[sorted.length / 10] / 1e6, sorted[0] / 1e6);
  }

  private static double medianMillis(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    return median / 1e6;
  }
}

package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch over a made-up cgroup tree and /proc: what it finds, and when it sees the flip. */
class ExposureWatchTest {
  private static final String QOS = "/kubepods/besteffort";
  private static final BootClock CLOCK =
      BootClock.calibrate(List.of(new BootClock.Sample(0, 0, 0)));

  @TempDir Path root;

  @Test
  void seesAContainerExposedAndThenIsolated() throws Exception {
    Path memory = root.resolve("memory");
    Path proc = root.resolve("proc");
    Files.createDirectories(memory.resolve("kubepods/besteffort/podold/c0"));
    try (ExposureWatch watch =
        new ExposureWatch(memory, QOS, proc, CLOCK, 100, MountTableChanges.everyPause())) {
      // runc's first process, then the container's init (pid 1 of its namespace), then its child.
      process(proc, 40, "NSpid:\t40\n", 12_000, "runc\0init\0", "");
      process(proc, 42, "NSpid:\t42\t1\n", 12_345, "runc\0init\0", "");
      process(proc, 50, "NSpid:\t50\t3\n", 12_400, "/bin/cat\0", "");
      container(memory, "pod1", id("c1"), "40\n42\n50\n");
      String own = QOS + "/pod1/" + id("c1");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> seen(watch, id("c1")) != null && seen(watch, id("c1")).pid == 42);
      assertThat(seen(watch, id("c1")).firstRunningNanos).as("still runc's init").isZero();

      Files.writeString(proc.resolve("42/cmdline"), "/bin/sh\0-c\0sleep 1\0");
      Files.writeString(proc.resolve("42/mountinfo"), memoryMount(200, own, "rw"));
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> seen(watch, id("c1")).firstExposedNanos != 0);
      assertThat(seen(watch, id("c1")).isolatedNanos).isZero();

      Files.writeString(
          proc.resolve("42/mountinfo"), memoryMount(200, own, "rw") + memoryMount(300, own, "ro"));
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> seen(watch, id("c1")).isolatedNanos != 0);
      ExposureWatch.Seen c1 = seen(watch, id("c1"));
      assertThat(c1.podUid).isEqualTo("1");
      assertThat(c1.startNanos).isEqualTo(CLOCK.nanoTimeOfTicks(12_345));
      assertThat(c1.firstRunningNanos).isLessThanOrEqualTo(c1.firstExposedNanos);
      assertThat(c1.firstExposedNanos).isLessThan(c1.isolatedNanos);
    }
  }

  @Test
  void leavesOutTheSandboxAndPodsThatWereThereBefore() throws Exception {
    Path memory = root.resolve("memory");
    Path proc = root.resolve("proc");
    process(proc, 7, "NSpid:\t7\t1\n", 100, "/bin/sh\0", memoryMount(1, "/", "rw"));
    container(memory, "podold", id("c0"), "7\n");
    try (ExposureWatch watch =
        new ExposureWatch(memory, QOS, proc, CLOCK, 100, MountTableChanges.everyPause())) {
      process(proc, 8, "NSpid:\t8\t1\n", 200, "/pause\0", "");
      process(
          proc,
          9,
          "NSpid:\t9\t1\n",
          300,
          "/bin/sh\0",
          memoryMount(1, QOS + "/pod2/" + id("c2"), "ro"));
      container(memory, "pod2", id("sandbox"), "8\n");
      container(memory, "pod2", id("c2"), "9\n");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> seen(watch, id("c2")) != null && seen(watch, id("c2")).isolatedNanos != 0);
      assertThat(watch.containers()).containsOnlyKeys(id("c2"));
      assertThat(seen(watch, id("c2")).firstExposedNanos).as("isolated at first sight").isZero();
      assertThat(watch.sweepMicros()).isNotEmpty();
    }
  }

  /** A container ID as containerd makes them, 64 hex digits, from a short name. */
  private static String id(String name) {
    return String.format("%064x", name.hashCode() & 0xffffffffL);
  }

  private static ExposureWatch.Seen seen(ExposureWatch watch, String container) {
    return watch.containers().get(container);
  }

  private static void container(Path memory, String pod, String id, String procs)
      throws IOException {
    Path dir = Files.createDirectories(memory.resolve("kubepods/besteffort").resolve(pod));
    // Written whole before the directory appears under the pod, as the kernel's files are there.
    Path staging = Files.createDirectories(dir.getParent().resolve(".staging-" + id));
    Files.writeString(staging.resolve("cgroup.procs"), procs);
    Files.move(staging, dir.resolve(id));
  }

  private static void process(
      Path proc, int pid, String status, long startTicks, String cmdline, String mountinfo)
      throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(dir.resolve("status"), "Name:\tx\n" + status);
    // Fields 3 to 21, then 22 (starttime), then more.
    Files.writeString(
        dir.resolve("stat"), pid + " (x) S" + " 0".repeat(18) + " " + startTicks + " 0 0 0\n");
    Files.writeString(dir.resolve("cmdline"), cmdline);
    Files.writeString(dir.resolve("mountinfo"), mountinfo);
  }

  private static String memoryMount(int id, String root, String options) {
    return id
        + " 1 0:35 "
        + root
        + " /sys/fs/cgroup/memory "
        + options
        + ",nosuid - cgroup cgroup rw,memory\n";
  }
}

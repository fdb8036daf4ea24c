package dev.cgroupns.agent.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes processes into a fake /proc tree: a stat with the given start time, and a cgroup file. */
final class FakeProc {
  private FakeProc() {}

  /** Process {@code pid}, started at {@code startTime}, in {@code cgroupPath} on memory and v2. */
  static void writeProcess(Path proc, int pid, long startTime, String cgroupPath)
      throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(dir.resolve("stat"), stat(pid, startTime));
    Files.writeString(dir.resolve("cgroup"), cgroupFile(cgroupPath));
  }

  static String cgroupFile(String path) {
    return "4:memory:" + path + "\n0::" + path + "\n";
  }

  static String stat(int pid, long startTime) {
    return pid
        + " (app) S 1 "
        + pid
        + " "
        + pid
        + " 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 "
        + startTime
        + " 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0\n";
  }
}

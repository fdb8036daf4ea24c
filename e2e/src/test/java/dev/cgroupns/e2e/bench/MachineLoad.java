package dev.cgroupns.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine is, printed next to every figure: on a shared machine a time measured under
 * a load average of 10 on 2 CPUs means something else than one measured on an idle machine.
 */
final class MachineLoad {
  private MachineLoad() {}

  /** E.g. "2 CPUs, load average 1.52 0.98 0.40". */
  static String describe() {
    String load;
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      load = "load average " + fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      load = "load average unknown (" + e.getMessage() + ")";
    }
    return Runtime.getRuntime().availableProcessors() + " CPUs, " + load;
  }
}

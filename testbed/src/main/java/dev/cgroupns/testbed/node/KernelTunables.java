package dev.cgroupns.testbed.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host sysctls the kubelet sets when it starts (unless it is told to protect the kernel's
 * defaults, and then it refuses to start where they differ, as they do on these machines). Their
 * values are recorded before the kubelet runs and written back after it stopped, so the host keeps
 * its own panic and overcommit behaviour.
 */
public final class KernelTunables {

  /** The kubelet's list (its container manager's setupKernelTunables). */
  static final List<String> KUBELET_SETS =
      List.of(
          "vm/overcommit_memory",
          "vm/panic_on_oom",
          "kernel/panic",
          "kernel/panic_on_oops",
          "kernel/keys/root_maxkeys",
          "kernel/keys/root_maxbytes");

  private final Path procSys;

  public KernelTunables(Path procSys) {
    this.procSys = procSys;
  }

  /** The current values, by key ({@code kernel/panic}); keys this kernel lacks are left out. */
  public Map<String, String> current() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : KUBELET_SETS) {
      try {
        values.put(key, read(procSys.resolve(key)));
      } catch (IOException e) {
        // A sysctl this kernel lacks: the kubelet cannot set it either.
      }
    }
    return values;
  }

  /** Writes the current values to {@code record} (one {@code key=value} a line). */
  public void record(Path record) {
    StringBuilder out = new StringBuilder();
    current().forEach((key, value) -> out.append(key).append('=').append(value).append('\n'));
    try {
      Files.writeString(record, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes back the recorded values that changed.
   *
   * @return what could not be restored
   */
  public List<String> restore(Path record) {
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> entry : recorded(record).entrySet()) {
      Path file = procSys.resolve(entry.getKey());
      try {
        if (!read(file).equals(entry.getValue())) {
          Files.writeString(file, entry.getValue());
        }
      } catch (IOException e) {
        failures.add(file + ": " + e.getMessage());
      }
    }
    return failures;
  }

  /** The values that differ from {@code before}, as {@code key: now (was before)}. */
  public List<String> changedFrom(Map<String, String> before) {
    List<String> changed = new ArrayList<>();
    Map<String, String> now = current();
    before.forEach(
        (key, was) -> {
          if (!was.equals(now.get(key))) {
            changed.add(key + ": " + now.get(key) + " (was " + was + ")");
          }
        });
    return changed;
  }

  /** The values in a record that {@link #record} wrote. */
  public static Map<String, String> recorded(Path record) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(record)) {
        int eq = line.indexOf('=');
        // Only keys of the kubelet's list: the record is a hint, never a path to write to.
        if (eq > 0 && KUBELET_SETS.contains(line.substring(0, eq))) {
          values.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } catch (IOException e) {
      // No record: nothing to restore.
    }
    return values;
  }

  /**
   * One read into a large buffer. A sysctl file reports size 0 and answers any read that does not
   * start at offset 0 with end of file; Files.readString, trusting the size, reads one byte first,
   * and so returned "1" for "10\n".
   */
  private static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }
}

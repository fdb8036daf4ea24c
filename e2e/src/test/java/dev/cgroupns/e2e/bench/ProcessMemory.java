package dev.cgroupns.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A process's memory as the kernel accounts it, from {@code /proc/<pid>/status}, in KiB: resident
 * now (VmRSS) and at its peak (VmHWM), and the resident part split into anonymous memory (heap,
 * metaspace, thread stacks, JIT code) and file-backed pages (mapped jars, the JDK's modules file,
 * shared libraries).
 */
public record ProcessMemory(long rssKib, long hwmKib, long anonKib, long fileKib) {

  public static ProcessMemory of(long pid) throws IOException {
    return parse(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
  }

  /** Parses the text of a status file; every field this record holds must be present. */
  static ProcessMemory parse(String status) {
    Map<String, Long> kib = new HashMap<>();
    for (String line : status.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.endsWith(" kB")) {
        String value = line.substring(colon + 1, line.length() - " kB".length()).trim();
        kib.put(line.substring(0, colon), Long.parseLong(value));
      }
    }
    return new ProcessMemory(
        field(kib, "VmRSS"), field(kib, "VmHWM"), field(kib, "RssAnon"), field(kib, "RssFile"));
  }

  private static long field(Map<String, Long> kib, String name) {
    Long value = kib.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no " + name + " in the status file");
    }
    return value;
  }

  public static double mib(long kib) {
    return kib / 1024.0;
  }
}

package dev.cgroupns.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A v1 memory cgroup's charge, as the kernel accounts it for a container: everything charged
 * ({@code memory.usage_in_bytes}), its peak, the anonymous part ({@code rss} of memory.stat) and
 * the working set the kubelet evicts on (usage less inactive page cache).
 */
record CgroupMemory(
    long usageBytes, long maxUsageBytes, long rssBytes, long cacheBytes, long workingSetBytes) {

  static CgroupMemory read(Path cgroup) throws IOException {
    return parse(
        Files.readString(cgroup.resolve("memory.usage_in_bytes")),
        Files.readString(cgroup.resolve("memory.max_usage_in_bytes")),
        Files.readString(cgroup.resolve("memory.stat")));
  }

  static CgroupMemory parse(String usage, String maxUsage, String stat) {
    Map<String, Long> fields = new HashMap<>();
    for (String line : stat.split("\n")) {
      String[] parts = line.trim().split(" ");
      if (parts.length == 2) {
        fields.put(parts[0], Long.parseLong(parts[1]));
      }
    }
    long used = Long.parseLong(usage.trim());
    long inactiveFile = field(fields, "total_inactive_file");
    return new CgroupMemory(
        used,
        Long.parseLong(maxUsage.trim()),
        field(fields, "rss") + fields.getOrDefault("rss_huge", 0L),
        field(fields, "cache"),
        Math.max(0, used - inactiveFile));
  }

  private static long field(Map<String, Long> fields, String name) {
    Long value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no " + name + " in memory.stat");
    }
    return value;
  }

  /** E.g. "usage 70.1 MiB (peak 75.0), rss 52.3 MiB, page cache 17.8 MiB, working set 66.0 MiB". */
  String describe() {
    return String.format(
        "usage %.1f MiB (peak %.1f), rss %.1f MiB, page cache %.1f MiB, working set %.1f MiB",
        mib(usageBytes), mib(maxUsageBytes), mib(rssBytes), mib(cacheBytes), mib(workingSetBytes));
  }

  static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}

package dev.cgroupns.e2e.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM's own account of its memory, from the agent's Prometheus metrics (Micrometer's JVM memory
 * and thread meters): what the container's cgroup figure is made of, for an agent that runs as a
 * pod, whose image carries no jcmd.
 */
public final class JvmMemoryMeters {
  private static final Pattern POOL =
      Pattern.compile(
          "^jvm_memory_(committed|used)_bytes\\{area=\"(heap|nonheap)\",id=\"([^\"]*)\",?\\}"
              + " ([0-9.Ee+-]+)$");
  private static final Pattern THREADS =
      Pattern.compile("^jvm_threads_live_threads(?:\\{\\})? ([0-9.Ee+-]+)$");

  private JvmMemoryMeters() {}

  /**
   * E.g. "heap 21.0 MiB committed (12.5 used), metaspace 30.0 (29.6), class space 3.9 (3.7), code
   * 6.1 (6.0), 28 threads"; pools the text does not have are left out.
   */
  static String describe(String metrics) {
    Map<String, double[]> byPart = parts(metrics);
    long threads = -1;
    for (String line : metrics.split("\n")) {
      Matcher live = THREADS.matcher(line.strip());
      if (live.matches()) {
        threads = (long) Double.parseDouble(live.group(1));
      }
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, double[]> e : byPart.entrySet()) {
      double[] values = e.getValue();
      if (values[0] > 0) {
        boolean first = out.length() == 0;
        out.append(first ? "" : ", ")
            .append(e.getKey())
            .append(String.format(" %.1f", mib(values[0])))
            .append(first ? " MiB committed" : "")
            .append(String.format(" (%.1f used)", mib(values[1])));
      }
    }
    if (out.length() == 0) {
      return "no JVM memory meters";
    }
    if (threads >= 0) {
      out.append(", ").append(threads).append(" threads");
    }
    return out.toString();
  }

  /**
   * MiB committed per part: heap, metaspace (which includes the class space), class space, code; 0
   * for a part the text has no meter of.
   */
  public static Map<String, Double> committedMiB(String metrics) {
    Map<String, Double> committed = new LinkedHashMap<>();
    parts(metrics).forEach((part, values) -> committed.put(part, mib(values[0])));
    return committed;
  }

  /** Bytes committed and used per part, summed over the part's pools. */
  private static Map<String, double[]> parts(String metrics) {
    Map<String, double[]> byPart = new LinkedHashMap<>();
    for (String part : new String[] {"heap", "metaspace", "class space", "code"}) {
      byPart.put(part, new double[2]);
    }
    for (String line : metrics.split("\n")) {
      Matcher pool = POOL.matcher(line.strip());
      if (pool.matches()) {
        String part = part(pool.group(2), pool.group(3));
        if (part != null) {
          byPart.get(part)[pool.group(1).equals("committed") ? 0 : 1] +=
              Double.parseDouble(pool.group(4));
        }
      }
    }
    return byPart;
  }

  private static String part(String area, String id) {
    if (area.equals("heap")) {
      return "heap";
    }
    if (id.equals("Metaspace")) {
      return "metaspace";
    }
    if (id.equals("Compressed Class Space")) {
      return "class space";
    }
    return id.startsWith("CodeHeap") || id.equals("CodeCache") ? "code" : null;
  }

  private static double mib(double bytes) {
    return bytes / (1 << 20);
  }
}

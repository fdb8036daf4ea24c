package dev.cgroupns.agent.proc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses /proc/PID/mountinfo (proc(5)): {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS}. The kernel separates fields by single spaces and
 * escapes spaces inside fields, so a plain split is exact. Never throws: a line that does not have
 * this shape is skipped and reported in {@link MountInfo#rejectedLines()}.
 *
 * <p>The input is streamed one line at a time: a container picks the size of its mount table, so
 * the whole file is never held. Cgroup mounts are kept whole; every other mount is kept slim (its
 * IDs, mount point and propagation tags), which is all the planner reads of it (covering mounts,
 * parents, mounts holding a path). A table with more than {@link #MAX_MOUNTS} mounts or a line
 * longer than {@link #MAX_LINE_BYTES} is refused with {@link MountTableTooLargeException}.
 */
public final class MountInfoParser {
  /** How many rejected lines a {@link MountInfo} reports at most (plus a summary line). */
  public static final int MAX_REJECTED_REPORTED = RejectedLines.MAX_REPORTED;

  private static final Pattern MAJOR_MINOR = Pattern.compile("\\d{1,10}:\\d{1,10}");
  private static final Pattern NON_NEGATIVE_INT = Pattern.compile("\\d{1,10}");
  private static final int FIELDS_BEFORE_OPTIONAL = 6;
  private static final int FIELDS_AFTER_SEPARATOR = 3;

  /**
   * The kernel's default per-namespace limit (fs.mount-max) is 100,000; a table beyond it was made
   * on a node tuned for it, and is refused rather than parsed.
   */
  public static final int MAX_MOUNTS = 100_000;

  /** Two escaped paths of PATH_MAX (each byte may become a 4-byte octal escape) plus options. */
  public static final int MAX_LINE_BYTES = 2 * 4 * 4096 + 8192;

  private MountInfoParser() {}

  /**
   * Parses a mountinfo already in memory, keeping every field of every mount (the agent itself
   * reads with {@link #read(InputStream)}, which keeps non-cgroup mounts slim).
   */
  public static MountInfo parse(String content) {
    if (content == null) {
      return new MountInfo(List.of(), List.of());
    }
    try {
      return read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a mountinfo stream line by line, holding one line at a time.
   *
   * @throws MountTableTooLargeException more than {@link #MAX_MOUNTS} lines, or a line longer than
   *     {@link #MAX_LINE_BYTES}
   */
  public static MountInfo read(InputStream in) throws IOException {
    return read(in, true);
  }

  private static MountInfo read(InputStream in, boolean slim) throws IOException {
    List<MountInfoEntry> entries = new ArrayList<>();
    RejectedLines rejected = new RejectedLines();
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    byte[] chunk = new byte[8192];
    int lines = 0;
    int n;
    boolean pending = false;
    while ((n = in.read(chunk)) > 0) {
      for (int i = 0; i < n; i++) {
        byte b = chunk[i];
        if (b != '\n') {
          if (line.size() >= MAX_LINE_BYTES) {
            throw new MountTableTooLargeException(
                "a mountinfo line is longer than " + MAX_LINE_BYTES + " bytes");
          }
          line.write(b);
          pending = true;
          continue;
        }
        lines = acceptLine(line, entries, rejected, lines, slim);
        pending = false;
      }
    }
    if (pending) {
      acceptLine(line, entries, rejected, lines, slim);
    }
    return new MountInfo(entries, rejected.toList());
  }

  private static int acceptLine(
      ByteArrayOutputStream buffer,
      List<MountInfoEntry> entries,
      RejectedLines rejected,
      int linesSoFar,
      boolean slim) {
    if (buffer.size() == 0) {
      return linesSoFar;
    }
    if (linesSoFar >= MAX_MOUNTS) {
      throw new MountTableTooLargeException(
          "the mount table has more than " + MAX_MOUNTS + " mounts");
    }
    String line = buffer.toString(StandardCharsets.UTF_8);
    buffer.reset();
    String problem = parseLine(line, entries, slim);
    if (problem != null) {
      rejected.add(line, problem);
    }
    return linesSoFar + 1;
  }

  /** Adds the entry of {@code line} to {@code out}; returns why it was rejected, or null. */
  private static String parseLine(String line, List<MountInfoEntry> out, boolean slim) {
    String[] fields = line.split(" ", -1);
    int separator = -1;
    for (int i = FIELDS_BEFORE_OPTIONAL; i < fields.length; i++) {
      if (fields[i].equals("-")) {
        separator = i;
        break;
      }
    }
    if (separator < 0) {
      return "no ' - ' separator after the sixth field";
    }
    if (fields.length != separator + 1 + FIELDS_AFTER_SEPARATOR) {
      return "expected 3 fields after ' - ', found " + (fields.length - separator - 1);
    }
    for (String field : fields) {
      if (field.isEmpty()) {
        return "empty field";
      }
    }
    if (!NON_NEGATIVE_INT.matcher(fields[0]).matches()
        || !NON_NEGATIVE_INT.matcher(fields[1]).matches()) {
      return "mount ID and parent ID must be numbers";
    }
    if (!MAJOR_MINOR.matcher(fields[2]).matches()) {
      return "device must be MAJOR:MINOR";
    }
    int mountId;
    int parentId;
    try {
      mountId = Integer.parseInt(fields[0]);
      parentId = Integer.parseInt(fields[1]);
    } catch (NumberFormatException e) {
      return "mount ID out of range";
    }
    String mountPoint = MountInfoEscapes.unescape(fields[4]);
    if (!mountPoint.startsWith("/")) {
      return "mount point is not absolute";
    }
    if (mountPoint.indexOf('\0') >= 0 || fields[3].indexOf('\0') >= 0) {
      return "NUL in path";
    }
    String fsType = MountInfoEscapes.unescape(fields[separator + 1]);
    List<String> optional = Arrays.asList(fields).subList(FIELDS_BEFORE_OPTIONAL, separator);
    if (slim && !fsType.equals("cgroup") && !fsType.equals("cgroup2")) {
      // Slim: what the planner reads of a mount that is not a cgroupfs (see the class comment).
      out.add(
          new MountInfoEntry(
              mountId,
              parentId,
              "",
              "",
              mountPoint,
              List.of(),
              propagationTags(optional),
              fsType,
              "",
              List.of()));
      return null;
    }
    out.add(
        new MountInfoEntry(
            mountId,
            parentId,
            fields[2],
            MountInfoEscapes.unescape(fields[3]),
            mountPoint,
            splitOptions(fields[5]),
            optional,
            fsType,
            MountInfoEscapes.unescape(fields[separator + 2]),
            splitOptions(fields[separator + 3])));
    return null;
  }

  private static List<String> propagationTags(List<String> optional) {
    List<String> out = new ArrayList<>(2);
    for (String field : optional) {
      if (field.startsWith("shared:") || field.startsWith("master:")) {
        out.add(field);
      }
    }
    return out;
  }

  private static List<String> splitOptions(String options) {
    List<String> out = new ArrayList<>();
    for (String option : options.split(",", -1)) {
      if (!option.isEmpty()) {
        out.add(MountInfoEscapes.unescape(option));
      }
    }
    return out;
  }
}

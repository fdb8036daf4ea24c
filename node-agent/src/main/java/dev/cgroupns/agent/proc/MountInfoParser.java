package dev.cgroupns.agent.proc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Parses /proc/PID/mountinfo (proc(5)): {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS}. The kernel separates fields by single spaces and
 * escapes spaces inside fields, so a plain split is exact. A line that does not have this shape is
 * skipped and reported in {@link MountInfo#rejectedLines()}.
 *
 * <p>A container picks the size of its mount table, so the agent's reads are bounded by design: the
 * input is streamed one line at a time, and only the mounts the agent needs are kept, the cgroupfs
 * mounts ({@link #readCgroupMounts}) and, for isolating and reverting, the mounts around them
 * ({@link #readAroundCgroupMounts}, see {@link WantedMounts}). Cgroup mounts are kept whole; other
 * kept mounts slim (their IDs, mount point and propagation tags), which is all the planner reads of
 * them. Refused with {@link MountTableTooLargeException}: more than {@link #MAX_MOUNTS} lines, a
 * line longer than {@link #MAX_LINE_BYTES}, or more than {@link #MAX_KEPT} kept mounts (or {@link
 * #MAX_KEPT_BYTES} of heap for them).
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

  /**
   * How many mounts a read keeps at most. A node has a dozen or so cgroup hierarchies, and a
   * handful of mounts lie on their paths; thousands mean a table built to exhaust the agent.
   */
  public static final int MAX_KEPT = 4096;

  /**
   * How much heap the kept mounts may take, as {@link #heapEstimate} counts it: MAX_KEPT slim
   * mounts of ordinary paths, but not MAX_KEPT lines of MAX_LINE_BYTES (160 MiB and more, far
   * beyond the agent's heap). A real container's kept mounts take some tens of KiB.
   */
  public static final int MAX_KEPT_BYTES = 2 << 20;

  /** How much of each mount a read keeps. */
  private enum Detail {
    /** Every field of every mount (parsing a string). */
    WHOLE,
    /** Every field of cgroupfs mounts; IDs, mount point, fs type and propagation tags of others. */
    CGROUP_WHOLE,
    /** IDs, mount point, fs type and propagation tags of every mount. */
    SLIM
  }

  /** Opens the mountinfo to read; called once per pass. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  private MountInfoParser() {}

  /**
   * Parses a mountinfo already in memory, keeping every field of every mount, with no cap on what
   * is kept (for tests and fixtures; the agent itself reads with {@link #readCgroupMounts} or
   * {@link #readAroundCgroupMounts}).
   */
  public static MountInfo parse(String content) {
    if (content == null) {
      return new MountInfo(List.of(), List.of());
    }
    try {
      return read(
          new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)),
          mount -> true,
          Detail.WHOLE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The cgroupfs mounts of a mountinfo stream, in one pass: all that inspecting a container, or
   * finding the agent's own hierarchies, reads.
   *
   * @throws MountTableTooLargeException see the class comment
   */
  public static MountInfo readCgroupMounts(InputStream in) throws IOException {
    return read(in, MountInfoEntry::isCgroup, Detail.CGROUP_WHOLE);
  }

  /**
   * The cgroupfs mounts and every mount the isolation planner and the revert consult around them
   * ({@link WantedMounts}), in two passes: the first finds the cgroupfs mounts (slim: only where
   * they are), the second keeps them whole and the mounts around them slim, in kernel order.
   *
   * @param alsoWanted mount points whose mounts, and the mounts on their paths, are kept too (those
   *     of a revert record)
   * @throws MountTableTooLargeException see the class comment
   */
  public static MountInfo readAroundCgroupMounts(Source source, Collection<String> alsoWanted)
      throws IOException {
    WantedMounts wanted;
    try (InputStream in = source.open()) {
      wanted =
          WantedMounts.around(
              read(in, MountInfoEntry::isCgroup, Detail.SLIM).entries(), alsoWanted);
    }
    try (InputStream in = source.open()) {
      return read(in, wanted::keeps, Detail.CGROUP_WHOLE);
    }
  }

  /**
   * Reads line by line, holding one line at a time, and keeps the entries {@code keep} accepts.
   *
   * @param detail how much of each mount is kept; all but {@link Detail#WHOLE} are the agent's
   *     reads, with the caps on what is kept
   */
  private static MountInfo read(InputStream in, Predicate<MountInfoEntry> keep, Detail detail)
      throws IOException {
    Lines lines = new Lines(keep, detail);
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) > 0) {
      for (int i = 0; i < n; i++) {
        byte b = chunk[i];
        if (b != '\n') {
          if (line.size() >= MAX_LINE_BYTES) {
            throw new MountTableTooLargeException(
                "a mountinfo line is longer than " + MAX_LINE_BYTES + " bytes");
          }
          line.write(b);
          continue;
        }
        lines.accept(line);
      }
    }
    lines.accept(line);
    return new MountInfo(lines.kept, lines.rejected.toList());
  }

  /** What a read keeps so far, and the caps on it. */
  private static final class Lines {
    private final Predicate<MountInfoEntry> keep;
    private final Detail detail;
    private final List<MountInfoEntry> kept = new ArrayList<>();
    private final RejectedLines rejected = new RejectedLines();
    private int lines;
    private long keptBytes;

    Lines(Predicate<MountInfoEntry> keep, Detail detail) {
      this.keep = keep;
      this.detail = detail;
    }

    /** Takes the line in {@code buffer} (without its newline) and empties the buffer. */
    void accept(ByteArrayOutputStream buffer) {
      if (buffer.size() == 0) {
        return;
      }
      if (lines >= MAX_MOUNTS) {
        throw new MountTableTooLargeException(
            "the mount table has more than " + MAX_MOUNTS + " mounts");
      }
      lines++;
      String line = buffer.toString(StandardCharsets.UTF_8);
      buffer.reset();
      List<MountInfoEntry> parsed = new ArrayList<>(1);
      String problem = parseLine(line, parsed, detail);
      if (problem != null) {
        rejected.add(line, problem);
        return;
      }
      MountInfoEntry entry = parsed.get(0);
      if (!keep.test(entry)) {
        return;
      }
      keptBytes += heapEstimate(entry);
      if (detail != Detail.WHOLE && (kept.size() >= MAX_KEPT || keptBytes > MAX_KEPT_BYTES)) {
        throw new MountTableTooLargeException(
            "the mount table has more than "
                + MAX_KEPT
                + " mounts that are cgroupfs mounts or lie around them (or "
                + (MAX_KEPT_BYTES >> 20)
                + " MiB of heap)");
      }
      kept.add(entry);
    }
  }

  /**
   * About the heap an entry takes, on the high side: each string's characters (two bytes each, as
   * if none were Latin-1) and headers, and the entry and its lists. The kernel writes the options
   * and tags, so their number is small; the paths are what a container can make long.
   */
  private static long heapEstimate(MountInfoEntry entry) {
    long size = 128;
    for (String s :
        List.of(
            entry.majorMinor(), entry.root(), entry.mountPoint(), entry.fsType(), entry.source())) {
      size += stringEstimate(s);
    }
    for (List<String> list :
        List.of(entry.mountOptions(), entry.optionalFields(), entry.superOptions())) {
      size += 32;
      for (String s : list) {
        size += 8 + stringEstimate(s);
      }
    }
    return size;
  }

  private static long stringEstimate(String s) {
    return 48 + 2L * s.length();
  }

  /** Adds the entry of {@code line} to {@code out}; returns why it was rejected, or null. */
  private static String parseLine(String line, List<MountInfoEntry> out, Detail detail) {
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
    boolean cgroup = fsType.equals("cgroup") || fsType.equals("cgroup2");
    if (detail == Detail.SLIM || (detail == Detail.CGROUP_WHOLE && !cgroup)) {
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

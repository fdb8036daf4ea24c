package dev.cgroupns.agent.proc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses /proc/PID/mountinfo (proc(5)): {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS}. The kernel separates fields by single spaces and
 * escapes spaces inside fields, so a plain split is exact. Never throws: a line that does not have
 * this shape is skipped and reported in {@link MountInfo#rejectedLines()}.
 */
public final class MountInfoParser {
  /** How many rejected lines a {@link MountInfo} reports at most (plus a summary line). */
  public static final int MAX_REJECTED_REPORTED = RejectedLines.MAX_REPORTED;

  private static final Pattern MAJOR_MINOR = Pattern.compile("\\d{1,10}:\\d{1,10}");
  private static final Pattern NON_NEGATIVE_INT = Pattern.compile("\\d{1,10}");
  private static final int FIELDS_BEFORE_OPTIONAL = 6;
  private static final int FIELDS_AFTER_SEPARATOR = 3;

  private MountInfoParser() {}

  public static MountInfo parse(String content) {
    List<MountInfoEntry> entries = new ArrayList<>();
    RejectedLines rejected = new RejectedLines();
    if (content == null) {
      return new MountInfo(entries, rejected.toList());
    }
    for (String line : content.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      String problem = parseLine(line, entries);
      if (problem != null) {
        rejected.add(line, problem);
      }
    }
    return new MountInfo(entries, rejected.toList());
  }

  /** Adds the entry of {@code line} to {@code out}; returns why it was rejected, or null. */
  private static String parseLine(String line, List<MountInfoEntry> out) {
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
    out.add(
        new MountInfoEntry(
            mountId,
            parentId,
            fields[2],
            MountInfoEscapes.unescape(fields[3]),
            mountPoint,
            splitOptions(fields[5]),
            Arrays.asList(fields).subList(FIELDS_BEFORE_OPTIONAL, separator),
            MountInfoEscapes.unescape(fields[separator + 1]),
            MountInfoEscapes.unescape(fields[separator + 2]),
            splitOptions(fields[separator + 3])));
    return null;
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

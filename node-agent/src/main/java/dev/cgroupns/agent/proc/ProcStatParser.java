package dev.cgroupns.agent.proc;

/**
 * Reads fields of /proc/PID/stat. Field 2 (comm) is in parentheses and may itself contain spaces
 * and ')' (a process can name itself "a) b"), so fields are counted from the LAST ')'.
 */
public final class ProcStatParser {
  /** starttime is field 22; the first field after comm is field 3 (state). */
  private static final int START_TIME_INDEX_AFTER_COMM = 22 - 3;

  private ProcStatParser() {}

  /** Field 22, starttime: clock ticks after boot at which the process started. */
  public static long startTime(String statContent) {
    if (statContent == null) {
      throw new ProcFormatException("stat: no content");
    }
    int close = statContent.lastIndexOf(')');
    if (close < 0 || statContent.indexOf('(') < 0 || statContent.indexOf('(') > close) {
      throw new ProcFormatException(
          "stat: no '(comm)' field in " + RejectedLines.printable(statContent));
    }
    String[] fields = statContent.substring(close + 1).trim().split(" ");
    if (fields.length <= START_TIME_INDEX_AFTER_COMM) {
      throw new ProcFormatException(
          "stat: only "
              + (fields.length + 2)
              + " fields, need 22: "
              + RejectedLines.printable(statContent));
    }
    String value = fields[START_TIME_INDEX_AFTER_COMM];
    try {
      long startTime = Long.parseLong(value);
      if (startTime < 0) {
        throw new NumberFormatException("negative");
      }
      return startTime;
    } catch (NumberFormatException e) {
      throw new ProcFormatException(
          "stat: field 22 (starttime) is not a non-negative number: "
              + RejectedLines.printable(value),
          e);
    }
  }

  /** Field 4, ppid: the parent's PID (0 for a process whose parent is outside its namespace). */
  public static int parentPid(String statContent) {
    int close = statContent == null ? -1 : statContent.lastIndexOf(')');
    if (close < 0) {
      throw new ProcFormatException("stat: no '(comm)' field");
    }
    String[] fields = statContent.substring(close + 1).trim().split(" ");
    try {
      int ppid = fields.length > 1 ? Integer.parseInt(fields[1]) : -1;
      if (ppid < 0) {
        throw new NumberFormatException("negative or missing");
      }
      return ppid;
    } catch (NumberFormatException e) {
      throw new ProcFormatException(
          "stat: field 4 (ppid) is not a PID: " + RejectedLines.printable(statContent), e);
    }
  }

  /** Field 3, the state letter (R, S, D, Z, ...). */
  public static char state(String statContent) {
    int close = statContent == null ? -1 : statContent.lastIndexOf(')');
    if (close < 0 || close + 2 >= statContent.length()) {
      throw new ProcFormatException("stat: no state field");
    }
    return statContent.charAt(close + 2);
  }
}

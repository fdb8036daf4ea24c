package dev.cgroupns.agent.proc;

import java.util.ArrayList;
import java.util.List;

/** Collects unparseable lines, bounded so hostile input cannot make the report itself huge. */
final class RejectedLines {
  static final int MAX_REPORTED = 10;
  static final int MAX_LINE_CHARS = 200;

  private final List<String> reported = new ArrayList<>();
  private int total;

  void add(String line, String reason) {
    total++;
    if (reported.size() < MAX_REPORTED) {
      reported.add(reason + ": " + printable(line));
    }
  }

  List<String> toList() {
    if (total <= reported.size()) {
      return reported;
    }
    List<String> withSummary = new ArrayList<>(reported);
    withSummary.add("... and " + (total - reported.size()) + " more rejected lines");
    return withSummary;
  }

  /** Truncates and makes control characters visible, so a report cannot forge output lines. */
  static String printable(String line) {
    String cut = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) : line;
    StringBuilder out = new StringBuilder(cut.length() + 16);
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (cut.length() < line.length()) {
      out.append("...(").append(line.length()).append(" chars)");
    }
    return out.toString();
  }
}

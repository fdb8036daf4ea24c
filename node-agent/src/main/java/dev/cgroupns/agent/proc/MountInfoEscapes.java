package dev.cgroupns.agent.proc;

/**
 * The octal escaping the kernel applies to paths and names in /proc/PID/mountinfo. The kernel
 * escapes space, tab, newline and backslash (and '#' since 5.12) as a backslash followed by three
 * octal digits ({@code \040} for a space), so that a line splits on single spaces.
 */
public final class MountInfoEscapes {
  private static final String ESCAPED = " \t\n\\#";

  private MountInfoEscapes() {}

  /**
   * Decodes every {@code \ooo} sequence. A backslash not followed by three octal digits is kept as
   * it is: the kernel never writes one, and keeping it lets a caller see the odd input.
   */
  public static String unescape(String field) {
    int firstBackslash = field.indexOf('\\');
    if (firstBackslash < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    out.append(field, 0, firstBackslash);
    for (int i = firstBackslash; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctalTriple(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Escapes a value the way the kernel does; the inverse of {@link #unescape}. */
  public static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (ESCAPED.indexOf(c) >= 0) {
        out.append('\\')
            .append((char) ('0' + ((c >> 6) & 7)))
            .append((char) ('0' + ((c >> 3) & 7)))
            .append((char) ('0' + (c & 7)));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctalTriple(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    // The first digit is at most 3: three octal digits beyond \377 do not fit a byte.
    return s.charAt(from) >= '0'
        && s.charAt(from) <= '3'
        && isOctal(s.charAt(from + 1))
        && isOctal(s.charAt(from + 2));
  }

  private static boolean isOctal(char c) {
    return c >= '0' && c <= '7';
  }
}

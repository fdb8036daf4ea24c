package dev.cgroupns.agent.daemon.results;

/**
 * Keeps status messages to one short sentence: control characters removed, whitespace collapsed,
 * and at most {@link #MAX_CHARS} characters, so a full node's status stays far below the object
 * size limit whatever an exception or a hostile pod field put into it.
 */
public final class Messages {
  /** The schema's limit for ContainerResult.message. */
  public static final int MAX_CHARS = 256;

  private static final String ELLIPSIS = "...";

  private Messages() {}

  public static String bounded(String message) {
    if (message == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(message.length(), MAX_CHARS + 1));
    boolean space = false;
    for (int i = 0; i < message.length() && out.length() <= MAX_CHARS; i++) {
      char c = message.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        space = out.length() > 0;
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      out.append(c);
    }
    if (out.length() > MAX_CHARS) {
      int cut = MAX_CHARS - ELLIPSIS.length();
      // Never split a surrogate pair: the API server rejects invalid UTF-16.
      if (Character.isHighSurrogate(out.charAt(cut - 1))) {
        cut--;
      }
      out.setLength(cut);
      out.append(ELLIPSIS);
    }
    return out.toString();
  }
}

package dev.cgroupns.testbed.kube.faults;

import java.util.regex.Pattern;

/**
 * A request path pattern: {@code *} matches within one segment, {@code **} across segments,
 * everything else literally. The query is never part of the match, so a pattern for a list path
 * matches the list and its watches alike.
 */
public final class PathPattern {

  private final String text;
  private final Pattern regex;

  private PathPattern(String text, Pattern regex) {
    this.text = text;
    this.regex = regex;
  }

  public static PathPattern of(String glob) {
    if (glob == null || !glob.startsWith("/")) {
      throw new IllegalArgumentException("a path pattern starts with '/': " + glob);
    }
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        re.append(".*");
        i += 2;
      } else if (c == '*') {
        re.append("[^/]*");
        i++;
      } else {
        int next = nextStar(glob, i);
        re.append(Pattern.quote(glob.substring(i, next)));
        i = next;
      }
    }
    return new PathPattern(glob, Pattern.compile(re.toString()));
  }

  /** Whether the request path (its query, if any, ignored) matches. */
  public boolean matches(String requestPath) {
    int q = requestPath.indexOf('?');
    return regex.matcher(q < 0 ? requestPath : requestPath.substring(0, q)).matches();
  }

  private static int nextStar(String glob, int from) {
    int star = glob.indexOf('*', from);
    return star < 0 ? glob.length() : star;
  }

  @Override
  public String toString() {
    return text;
  }
}

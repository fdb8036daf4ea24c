package dev.cgroupns.operator.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Building blocks for deterministic Kubernetes names that stay valid whatever their inputs. */
public final class Names {
  private Names() {}

  /** The first {@code chars} hex digits of the SHA-256 of the text. */
  public static String shortHash(String text, int chars) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, chars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Cuts a DNS-subdomain name to at most max characters and drops trailing '-' and '.', which a
   * name (or a part joined to a suffix) may not end in.
   */
  public static String trimEnd(String name, int max) {
    String cut = name.length() > max ? name.substring(0, max) : name;
    int end = cut.length();
    while (end > 0 && (cut.charAt(end - 1) == '-' || cut.charAt(end - 1) == '.')) {
      end--;
    }
    return cut.substring(0, end);
  }
}

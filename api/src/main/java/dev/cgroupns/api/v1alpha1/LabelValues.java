package dev.cgroupns.api.v1alpha1;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a name becomes a label value: the operator labels every CgroupIsolationNode with its node
 * ({@link ApiGroup#NODE_LABEL}) and its CgroupIsolation ({@link ApiGroup#ISOLATION_LABEL}), and
 * each agent selects by its own node's value. Both sides must derive the value the same way, so the
 * rule lives here, in the module both depend on.
 */
public final class LabelValues {
  /** The longest label value Kubernetes accepts. */
  public static final int MAX_LENGTH = 63;

  static final int HASH_CHARS = 10;

  private LabelValues() {}

  /**
   * The name itself when it fits in 63 characters; else its first 52 characters (trailing '-' and
   * '.' dropped, as a label value may not end in them) plus '-' and 10 hex digits of its SHA-256,
   * so that two long names sharing a prefix still get different values. Node and object names are
   * DNS subdomains, whose characters are all valid in label values.
   */
  public static String ofName(String name) {
    if (name.length() <= MAX_LENGTH) {
      return name;
    }
    String prefix = name.substring(0, MAX_LENGTH - HASH_CHARS - 1);
    int end = prefix.length();
    while (end > 0 && (prefix.charAt(end - 1) == '-' || prefix.charAt(end - 1) == '.')) {
      end--;
    }
    return prefix.substring(0, end) + "-" + sha256Hex(name).substring(0, HASH_CHARS);
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

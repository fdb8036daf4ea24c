package dev.cgroupns.agent.discovery;

import java.util.regex.Pattern;

/**
 * Validation of the identifiers that arrive from the API (pod status, CR spec) before the agent
 * compares them with anything it read from the kernel. They are never used to build paths.
 */
public final class ContainerIds {
  private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern POD_UID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private ContainerIds() {}

  /** True for exactly 64 lowercase hex digits. */
  public static boolean isContainerId(String candidate) {
    return candidate != null && CONTAINER_ID.matcher(candidate).matches();
  }

  /** True for a lowercase dashed RFC 4122 UUID, the form Kubernetes writes pod UIDs in. */
  public static boolean isPodUid(String candidate) {
    return candidate != null && POD_UID.matcher(candidate).matches();
  }

  public static String requireContainerId(String candidate) {
    if (!isContainerId(candidate)) {
      throw new IllegalArgumentException(
          "a container ID must be exactly 64 lowercase hex digits, got " + shown(candidate));
    }
    return candidate;
  }

  public static String requirePodUid(String candidate) {
    if (!isPodUid(candidate)) {
      throw new IllegalArgumentException(
          "a pod UID must be a lowercase dashed UUID (8-4-4-4-12 hex digits), got "
              + shown(candidate));
    }
    return candidate;
  }

  /**
   * Parses a container ID as pod status carries it: "containerd://ID", "cri-o://ID" or
   * "docker://ID". Anything else, including other runtimes, is refused.
   */
  public static ParsedContainerId parseStatusContainerId(String statusId) {
    if (statusId == null) {
      throw new IllegalArgumentException("no container ID in pod status");
    }
    int separator = statusId.indexOf("://");
    if (separator < 0) {
      throw new IllegalArgumentException(
          "a status container ID must look like containerd://ID, cri-o://ID or docker://ID, got "
              + shown(statusId));
    }
    String scheme = statusId.substring(0, separator);
    ContainerRuntime runtime =
        switch (scheme) {
          case "containerd" -> ContainerRuntime.CONTAINERD;
          case "cri-o" -> ContainerRuntime.CRIO;
          case "docker" -> ContainerRuntime.DOCKER;
          default ->
              throw new IllegalArgumentException(
                  "unsupported container runtime " + shown(scheme) + " in " + shown(statusId));
        };
    return new ParsedContainerId(runtime, requireContainerId(statusId.substring(separator + 3)));
  }

  /** Quotes a hostile string for a message: truncated, control characters made visible. */
  static String shown(String value) {
    if (value == null) {
      return "nothing";
    }
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(value.length(), 80);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? "?" : String.valueOf(c));
    }
    if (limit < value.length()) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.append('\'').toString();
  }
}

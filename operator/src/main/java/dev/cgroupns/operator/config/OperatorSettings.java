package dev.cgroupns.operator.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's cluster-level settings, read once at start from the environment (the Deployment
 * sets them; a flag-free container keeps GitOps diffs readable).
 *
 * @param allowReadWrite whether a CgroupIsolation may ask for read-write cgroupfs mounts at all; a
 *     cluster decision, so it lives here and not in the (namespaced) resource
 * @param revertTimeout how long deletion waits for the agents to confirm their revert before it
 *     releases the finalizer anyway, with a Warning event
 * @param ownNamespace the namespace the operator runs in (the leader-election lease lives there)
 * @param watchNamespaces namespaces whose CgroupIsolations (and pods) are watched; empty for all
 * @param leaderElection whether to elect a leader (off only for local runs and tests)
 * @param leaderIdentity this replica's name in the leader-election Lease: its pod's name
 * @param healthPort port of the /healthz, /readyz and /metrics endpoints
 * @param shutdownTimeout how long a stopping operator lets running reconciliations finish
 */
public record OperatorSettings(
    boolean allowReadWrite,
    Duration revertTimeout,
    String ownNamespace,
    Set<String> watchNamespaces,
    boolean leaderElection,
    LeaderIdentity leaderIdentity,
    int healthPort,
    Duration shutdownTimeout) {

  public static final String ALLOW_READ_WRITE = "CGROUP_ISOLATION_ALLOW_READ_WRITE";
  public static final String REVERT_TIMEOUT = "CGROUP_ISOLATION_REVERT_TIMEOUT";
  public static final String POD_NAMESPACE = "POD_NAMESPACE";
  public static final String WATCH_NAMESPACES = "WATCH_NAMESPACES";
  public static final String LEADER_ELECTION = "LEADER_ELECTION";
  public static final String HEALTH_PORT = "HEALTH_PORT";
  public static final String SHUTDOWN_TIMEOUT = "SHUTDOWN_TIMEOUT";

  public static final Duration DEFAULT_REVERT_TIMEOUT = Duration.ofMinutes(2);
  public static final int DEFAULT_HEALTH_PORT = 8080;
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  public OperatorSettings {
    if (revertTimeout.isNegative()) {
      throw new IllegalArgumentException("revert timeout must not be negative: " + revertTimeout);
    }
    watchNamespaces = Set.copyOf(watchNamespaces);
  }

  /** Reads the settings from environment variables; unset variables take the defaults. */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    return new OperatorSettings(
        parseBoolean(env, ALLOW_READ_WRITE, false),
        parseDuration(REVERT_TIMEOUT, env.get(REVERT_TIMEOUT), DEFAULT_REVERT_TIMEOUT),
        env.getOrDefault(POD_NAMESPACE, "cgroup-isolation-system"),
        parseNamespaces(env.get(WATCH_NAMESPACES)),
        parseBoolean(env, LEADER_ELECTION, true),
        LeaderIdentity.choose(env, LeaderIdentity::localHostName),
        parsePort(env.get(HEALTH_PORT)),
        parseDuration(SHUTDOWN_TIMEOUT, env.get(SHUTDOWN_TIMEOUT), DEFAULT_SHUTDOWN_TIMEOUT));
  }

  /** Settings for tests and local runs: no leader election, every namespace watched. */
  public static OperatorSettings forLocalRun(boolean allowReadWrite, Duration revertTimeout) {
    return new OperatorSettings(
        allowReadWrite,
        revertTimeout,
        "default",
        Set.of(),
        false,
        LeaderIdentity.generated(),
        0,
        Duration.ofSeconds(1));
  }

  private static boolean parseBoolean(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    // Strict on purpose: "yes" or "1" for a security switch should fail loudly, not read as false.
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, not " + value);
    };
  }

  /** Accepts Go-style durations as in Kubernetes manifests ("90s", "2m", "1h") or ISO-8601. */
  static Duration parseDuration(String name, String value, Duration fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    String text = value.trim();
    try {
      if (text.startsWith("P") || text.startsWith("p")) {
        return Duration.parse(text);
      }
      char unit = text.charAt(text.length() - 1);
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        default -> throw new IllegalArgumentException("unknown unit");
      };
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          name + " must be a duration such as 90s, 2m or 1h, not " + value, e);
    }
  }

  private static Set<String> parseNamespaces(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static int parsePort(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_HEALTH_PORT;
    }
    int port = Integer.parseInt(value.trim());
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(HEALTH_PORT + " out of range: " + value);
    }
    return port;
  }
}

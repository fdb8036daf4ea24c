package dev.cgroupns.operator.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The name this replica writes into the leader-election Lease as {@code holderIdentity}, so that
 * {@code kubectl get lease} tells a user which pod leads.
 *
 * <p>Two replicas must never share one: the elector compares identities only, so both would believe
 * they hold the lease. A pod name is unique in its namespace; a host name is not (two local runs,
 * or pods on the host network), so it gets a random suffix.
 *
 * @param value the identity
 * @param source where it came from, for the start log
 */
public record LeaderIdentity(String value, Source source) {
  public static final String POD_NAME = "POD_NAME";
  public static final String HOSTNAME = "HOSTNAME";

  /** Where an identity came from. */
  public enum Source {
    /** The pod's name, from the downward API. */
    POD_NAME,
    /** The host name plus a random suffix: POD_NAME is not set. */
    HOST_NAME,
    /** Random: neither POD_NAME nor a host name is known. */
    GENERATED
  }

  public LeaderIdentity {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a leader identity must not be blank");
    }
  }

  /**
   * The pod name from {@code POD_NAME} (the Deployment sets it from {@code metadata.name}); without
   * it the host name ({@code HOSTNAME}, else {@code localHostName}) with a random suffix; without
   * that a random identity.
   */
  public static LeaderIdentity choose(
      Map<String, String> env, Supplier<Optional<String>> localHostName) {
    Optional<String> podName = nonBlank(env.get(POD_NAME));
    if (podName.isPresent()) {
      return new LeaderIdentity(podName.get(), Source.POD_NAME);
    }
    Optional<String> host = nonBlank(env.get(HOSTNAME)).or(() -> localHostName.get());
    return host.map(h -> new LeaderIdentity(h + "-" + randomSuffix(), Source.HOST_NAME))
        .orElseGet(LeaderIdentity::generated);
  }

  /** A random identity, for runs that do not elect a leader or know no better name. */
  public static LeaderIdentity generated() {
    return new LeaderIdentity("cgroup-isolation-operator-" + UUID.randomUUID(), Source.GENERATED);
  }

  /** This machine's host name as the resolver knows it; empty if it cannot say. */
  public static Optional<String> localHostName() {
    try {
      return nonBlank(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** For the start log: the identity and, when it is not the pod name, why not. */
  public String describe() {
    return switch (source) {
      case POD_NAME -> value + " (POD_NAME)";
      case HOST_NAME -> value + " (POD_NAME is not set: host name plus a random suffix)";
      case GENERATED -> value + " (POD_NAME is not set and no host name is known: generated)";
    };
  }

  private static String randomSuffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
  }
}

package dev.cgroupns.testbed.kube.faults;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One programmed fault: requests with this method whose path matches, and optionally whose header
 * contains a value (to tell one client from another, e.g. by User-Agent), get {@link #fault()}
 * instead of their normal answer, the next {@code times} times. Built with {@link #on}; added to a
 * running endpoint with {@link FaultRules#add}. A rule with a watch fault ({@link
 * Fault#onlyForWatches()}) matches watch requests only.
 */
public final class FaultRule {

  /** {@code times} of a rule that never runs out. */
  public static final int ALWAYS = -1;

  private final String method;
  private final PathPattern path;
  private final String header;
  private final String headerContains;
  private final Fault fault;
  private final AtomicInteger remaining;
  private final AtomicInteger hits = new AtomicInteger();

  private FaultRule(
      String method,
      PathPattern path,
      String header,
      String headerContains,
      Fault fault,
      int times) {
    if (times < 1 && times != ALWAYS) {
      throw new IllegalArgumentException("times must be at least 1 (or ALWAYS): " + times);
    }
    this.method = method;
    this.path = path;
    this.header = header;
    this.headerContains = headerContains;
    this.fault = Objects.requireNonNull(fault, "fault");
    this.remaining = new AtomicInteger(times);
  }

  /**
   * Starts a rule for requests with {@code method} ("*" for any) whose path matches {@code
   * pathPattern} ({@link PathPattern}); it answers once with {@code fault} unless {@link #times} or
   * {@link #always} say otherwise.
   */
  public static FaultRule on(String method, String pathPattern, Fault fault) {
    return new FaultRule(
        method.toUpperCase(Locale.ROOT), PathPattern.of(pathPattern), null, null, fault, 1);
  }

  /** The same rule, only for requests whose {@code name} header contains {@code value}. */
  public FaultRule whenHeader(String name, String value) {
    return new FaultRule(method, path, name, value, fault, remaining.get());
  }

  /** The same rule, answering the next {@code n} matching requests. */
  public FaultRule times(int n) {
    return new FaultRule(method, path, header, headerContains, fault, n);
  }

  /** The same rule, answering every matching request until it is removed. */
  public FaultRule always() {
    return times(ALWAYS);
  }

  /**
   * Whether the request matches, not counting whether the rule has run out.
   *
   * @param headers the request's header values by name (null when absent)
   */
  public boolean matches(String requestMethod, String requestPath, UnaryOperator<String> headers) {
    if (!method.equals("*") && !method.equalsIgnoreCase(requestMethod)) {
      return false;
    }
    if (!path.matches(requestPath)) {
      return false;
    }
    if (fault.onlyForWatches() && !RequestTarget.isWatch(requestPath)) {
      return false;
    }
    if (header == null) {
      return true;
    }
    String value = headers.apply(header);
    return value != null && value.contains(headerContains);
  }

  /**
   * Uses up one of the rule's answers; false once it has run out (several threads may race for the
   * last one, only one wins). For a dropped watch, called when the watch is cut.
   */
  boolean claim() {
    while (true) {
      int left = remaining.get();
      if (left == 0) {
        return false;
      }
      if (left == ALWAYS || remaining.compareAndSet(left, left - 1)) {
        hits.incrementAndGet();
        return true;
      }
    }
  }

  public Fault fault() {
    return fault;
  }

  /** How many requests this rule has answered so far (for a dropped watch: how many it has cut). */
  public int hits() {
    return hits.get();
  }

  /** Answers left; {@link #ALWAYS} for a rule that never runs out. */
  public int remaining() {
    return remaining.get();
  }

  @Override
  public String toString() {
    return method
        + " "
        + path
        + (header == null ? "" : " [" + header + " ~ " + headerContains + "]")
        + " -> "
        + switch (fault.kind()) {
          case ERROR -> Integer.toString(fault.code());
          case LATE_ANSWER -> "late answer";
          case DROPPED_WATCH -> "cut after " + fault.afterEvents() + " events";
          case EXPIRED_WATCH -> "expired watch";
        }
        + (fault.hold().isZero() ? "" : " after " + fault.hold().toMillis() + " ms");
  }
}

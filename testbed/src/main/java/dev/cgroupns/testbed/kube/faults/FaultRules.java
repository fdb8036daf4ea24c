package dev.cgroupns.testbed.kube.faults;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults a test has programmed into a running endpoint. Empty by default, and then every
 * request takes the normal path; rules are tried in the order they were added, and the first one
 * that matches and has answers left answers the request.
 */
public final class FaultRules {

  private static final Logger LOG = LoggerFactory.getLogger(FaultRules.class);

  private final List<FaultRule> rules = new CopyOnWriteArrayList<>();

  /** Adds a rule and returns it, so the test can read its {@link FaultRule#hits()} later. */
  public FaultRule add(FaultRule rule) {
    rules.add(rule);
    return rule;
  }

  public void remove(FaultRule rule) {
    rules.remove(rule);
  }

  public void clear() {
    rules.clear();
  }

  /**
   * The rule that answers this request: the first that matches and has answers left. Uses up one
   * answer of that rule, except for a dropped watch: its answer is used up when the watch is cut
   * ({@link FaultRule#claim()}), which may never happen (the client may leave before enough events
   * passed), or happen to another watch first. So a rule's {@link FaultRule#hits()} count what took
   * place.
   */
  public Optional<FaultRule> take(String method, String path, UnaryOperator<String> headers) {
    if (rules.isEmpty()) {
      return Optional.empty();
    }
    for (FaultRule rule : rules) {
      if (!rule.matches(method, path, headers)) {
        continue;
      }
      if (rule.fault().kind() == Fault.Kind.DROPPED_WATCH) {
        if (rule.remaining() != 0) {
          LOG.debug("watch {} {} may be cut: {}", method, path, rule);
          return Optional.of(rule);
        }
      } else if (rule.claim()) {
        LOG.info("injecting fault for {} {}: {}", method, path, rule);
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }
}

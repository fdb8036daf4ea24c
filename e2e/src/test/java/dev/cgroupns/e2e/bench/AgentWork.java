package dev.cgroupns.e2e.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One line of what an in-process agent's own meters say it did so far, to tell where the time of a
 * round went: "passes 41 (mean 12.3 ms, max 80.1 ms), isolations 31 (mean 6.2 ms, max 20.3 ms),
 * status writes 12, arrivals RECORDED=31 SANDBOX=31".
 */
final class AgentWork {
  private AgentWork() {}

  static String describe(MeterRegistry registry) {
    String arrivals =
        registry.find("cgroupns.agent.arrivals").counters().stream()
            .filter(c -> c.count() > 0)
            .map(c -> c.getId().getTag("outcome") + "=" + (long) c.count())
            .sorted()
            .collect(Collectors.joining(" "));
    return String.format(
        "passes %s, isolations %s, status writes %d, arrivals %s",
        timer(registry.find("cgroupns.agent.pass.duration").timer()),
        timer(registry.find("cgroupns.agent.isolation.latency").timer()),
        (long) count(registry.find("cgroupns.agent.status.writes").counter()),
        arrivals.isEmpty() ? "none" : arrivals);
  }

  private static String timer(Timer timer) {
    if (timer == null || timer.count() == 0) {
      return "0";
    }
    return String.format(
        "%d (mean %.1f ms, max %.1f ms)",
        timer.count(), timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS));
  }

  private static double count(Counter counter) {
    return counter == null ? 0 : counter.count();
  }
}

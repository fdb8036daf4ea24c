package dev.cgroupns.agent.daemon.nri;

import dev.cgroupns.agent.daemon.nri.CreationDecision.Kind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plugin's meters: whether it is registered with the runtime (0 says the agent isolates by
 * remounting only), how often it registered, its answers by decision, and how long it takes to
 * answer.
 */
public final class NriMetrics implements IsolationPlugin.Listener, NriPluginRunner.StateListener {
  private final AtomicInteger connected = new AtomicInteger();
  private final Map<Kind, Counter> answers = new EnumMap<>(Kind.class);
  private final Timer answerTime;
  private final Counter registrations;

  public NriMetrics(MeterRegistry registry) {
    Gauge.builder("cgroupns.agent.nri.connected", connected, AtomicInteger::get)
        .description("1 while the NRI plugin is registered with the runtime")
        .register(registry);
    for (Kind kind : Kind.values()) {
      answers.put(
          kind,
          Counter.builder("cgroupns.agent.nri.creations")
              .description("CreateContainer requests answered, by decision")
              .tag("decision", kind.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }
    registrations =
        Counter.builder("cgroupns.agent.nri.registrations")
            .description("Times the plugin registered with the runtime (again after its restarts)")
            .register(registry);
    answerTime =
        Timer.builder("cgroupns.agent.nri.answer")
            .description("From a CreateContainer request to the plugin's answer")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  @Override
  public void answered(Kind kind, Duration took) {
    answers.get(kind).increment();
    answerTime.record(took);
  }

  @Override
  public void changed(boolean isConnected, String why) {
    connected.set(isConnected ? 1 : 0);
    if (isConnected) {
      registrations.increment();
    }
  }

  public double answerCount(Kind kind) {
    return answers.get(kind).count();
  }
}

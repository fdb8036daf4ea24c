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
import java.util.function.BooleanSupplier;

/**
 * The plugin's meters: whether it is registered with the runtime, whether containers are isolated
 * at their creation now (0 says the agent isolates by remounting only), how often it registered,
 * how often the runtime refused an adjusted creation, its answers by decision, and how long it
 * takes to answer.
 */
public final class NriMetrics implements IsolationPlugin.Listener, NriPluginRunner.StateListener {
  private final AtomicInteger connected = new AtomicInteger();
  private final Map<Kind, Counter> answers = new EnumMap<>(Kind.class);
  private final Timer answerTime;
  private final Counter registrations;
  private final Counter refusals;

  /**
   * @param atCreation whether containers are isolated at creation now ({@link AtCreationTracker})
   */
  public NriMetrics(MeterRegistry registry, BooleanSupplier atCreation) {
    Gauge.builder("cgroupns.agent.nri.connected", connected, AtomicInteger::get)
        .description("1 while the NRI plugin is registered with the runtime")
        .register(registry);
    // Held strongly: the supplier is often a method reference nothing else holds, and a gauge
    // holds its object weakly by default (its value turns NaN once that is collected).
    Gauge.builder(
            "cgroupns.agent.nri.isolating.at.creation", atCreation, s -> s.getAsBoolean() ? 1 : 0)
        .strongReference(true)
        .description(
            "1 while targeted containers are isolated as they are created: the plugin is"
                + " registered and the runtime has not refused its adjustments")
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
    refusals =
        Counter.builder("cgroupns.agent.nri.refusals")
            .description(
                "Adjusted creations the runtime refused (a validator rejecting the adjustment);"
                    + " after one, nothing is adjusted until the plugin registers again")
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
  public void refused(String reason) {
    refusals.increment();
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

  public double refusalCount() {
    return refusals.count();
  }
}

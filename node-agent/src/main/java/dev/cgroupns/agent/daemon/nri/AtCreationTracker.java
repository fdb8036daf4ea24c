package dev.cgroupns.agent.daemon.nri;

import dev.cgroupns.agent.daemon.results.Messages;
import dev.cgroupns.api.v1alpha1.AtCreationState;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether the agent isolates targeted containers at their creation now, for the node objects'
 * status and the metrics: it does while the plugin is registered and the runtime has not refused
 * one of its adjustments on this connection. Thread-safe; tells its listener of each change, so
 * that the status follows within one pass.
 */
public final class AtCreationTracker
    implements NriPluginRunner.StateListener, IsolationPlugin.Listener, Supplier<AtCreationState> {
  static final String DISABLED =
      "NRI is disabled in the agent's flags (--nri-socket is empty): containers are isolated by"
          + " remounting once they run";
  static final String NOT_YET = "the NRI plugin has not registered with the runtime yet";

  private boolean connected;
  private String disconnected;
  private String refused;
  private AtCreationState state;
  private volatile Runnable onChange = () -> {};

  private AtCreationTracker(String why) {
    this.disconnected = why;
    this.state = new AtCreationState(false, why);
  }

  /** The agent runs no plugin. */
  public static AtCreationTracker disabled() {
    return new AtCreationTracker(DISABLED);
  }

  /** The agent runs a plugin that has not registered yet. */
  public static AtCreationTracker enabled() {
    return new AtCreationTracker(NOT_YET);
  }

  /** Called after each change of the state, off the caller's locks. */
  public void onChange(Runnable listener) {
    onChange = Objects.requireNonNull(listener, "listener");
  }

  /** The state now, as the status says it (a fresh copy). */
  @Override
  public synchronized AtCreationState get() {
    return new AtCreationState(state.active, state.reason);
  }

  public synchronized boolean active() {
    return Boolean.TRUE.equals(state.active);
  }

  /** Single answers change nothing here; only a refusal does. */
  @Override
  public void answered(CreationDecision.Kind kind, Duration took) {}

  /** The plugin is registering anew: whatever the runtime refused before may be accepted now. */
  @Override
  public void registering() {
    update(() -> refused = null);
  }

  /** The runtime refused an adjusted creation on this connection. */
  @Override
  public void refused(String reason) {
    update(() -> refused = reason);
  }

  @Override
  public void changed(boolean isConnected, String why) {
    update(
        () -> {
          connected = isConnected;
          disconnected = isConnected ? null : why;
        });
  }

  private void update(Runnable change) {
    boolean changed;
    synchronized (this) {
      change.run();
      AtCreationState next =
          connected
              ? new AtCreationState(refused == null, Messages.bounded(refused))
              : new AtCreationState(false, Messages.bounded(disconnected));
      changed =
          !Objects.equals(next.active, state.active) || !Objects.equals(next.reason, state.reason);
      state = next;
    }
    if (changed) {
      onChange.run();
    }
  }
}

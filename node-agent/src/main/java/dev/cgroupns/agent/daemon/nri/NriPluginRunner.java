package dev.cgroupns.agent.daemon.nri;

import dev.cgroupns.nri.Plugin;
import dev.cgroupns.nri.PluginConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the plugin registered with the runtime: connects, waits until the connection closes (the
 * runtime restarted, or dropped a late plugin), and connects again, with a backoff that doubles up
 * to a ceiling while connecting fails. A connection is single-use, so each attempt is a new one.
 * When the socket is missing or refuses, the agent says so once and goes on isolating by remounting
 * alone; it says so again only after it was connected in between.
 */
public final class NriPluginRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NriPluginRunner.class);

  public static final String PLUGIN_NAME = "cgroup-isolation";
  static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Path socket;
  private final String index;
  private final Plugin plugin;
  private final StateListener listener;
  private final Thread thread;
  private volatile boolean closing;
  private volatile PluginConnection current;

  /** Told of each change of connection state, for status and metrics. */
  public interface StateListener {
    /**
     * @param connected whether the plugin is registered now
     * @param why a sentence saying why it is not (null when connected)
     */
    void changed(boolean connected, String why);

    StateListener NONE = (connected, why) -> {};

    /** Tells both, {@code first} first. */
    static StateListener both(StateListener first, StateListener second) {
      return (connected, why) -> {
        first.changed(connected, why);
        second.changed(connected, why);
      };
    }
  }

  public NriPluginRunner(Path socket, String index, Plugin plugin, StateListener listener) {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.index = Objects.requireNonNull(index, "index");
    this.plugin = Objects.requireNonNull(plugin, "plugin");
    this.listener = listener;
    this.thread = new Thread(this::run, "node-agent-nri");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Whether the plugin is registered with the runtime now. */
  public boolean connected() {
    PluginConnection connection = current;
    return connection != null && !connection.closed().isDone();
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    boolean told = false;
    while (!closing) {
      String why;
      if (!Files.exists(socket)) {
        why = "no NRI socket at " + socket + " (NRI disabled, or not this runtime's socket)";
      } else {
        try {
          PluginConnection connection =
              PluginConnection.connect(socket, PLUGIN_NAME, index, plugin);
          current = connection;
          if (closing) {
            connection.close();
            break;
          }
          LOG.info(
              "NRI plugin {}-{} registered on {}; containers are isolated at creation",
              index,
              PLUGIN_NAME,
              socket);
          listener.changed(true, null);
          told = false;
          backoff = FIRST_BACKOFF;
          why = "the runtime closed the NRI connection: " + awaitClose(connection);
          current = null;
          listener.changed(false, why);
          if (closing) {
            break;
          }
          LOG.warn("{}; connecting again", why);
          told = true;
        } catch (IOException | RuntimeException e) {
          why = "cannot register the NRI plugin on " + socket + ": " + e.getMessage();
        }
      }
      if (!told) {
        LOG.warn("{}; isolating by remounting only until it can", why);
        listener.changed(false, why);
        told = true;
      }
      if (!sleep(backoff)) {
        break;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private String awaitClose(PluginConnection connection) {
    while (!closing) {
      try {
        return connection
            .closed()
            .get(1, TimeUnit.SECONDS)
            .map(Throwable::toString)
            .orElse("closed cleanly");
      } catch (TimeoutException e) {
        // check closing, then wait again
      } catch (ExecutionException e) {
        return e.getCause().toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return "the agent is stopping";
  }

  private boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return !closing;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Unregisters (closing the connection) and stops reconnecting. */
  @Override
  public void close() {
    closing = true;
    PluginConnection connection = current;
    if (connection != null) {
      connection.close();
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.cgroupns.agent.daemon;

import dev.cgroupns.agent.daemon.NodeObjectReconciler.StatusWrite;
import dev.cgroupns.agent.daemon.api.StatusWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status writes of the passes, made on a thread of their own, one at a time, in the order
 * asked. A write asked for while an earlier one for the same object still waits replaces it: the
 * status is written whole, so only the latest counts, and a burst of passes (thirty containers
 * starting at once) costs the API server a few writes instead of thirty. The pass thread never
 * waits for the API server, whose retries and timeouts can take seconds.
 */
final class StatusWriteQueue {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriteQueue.class);

  private final StatusWriter writer;
  private final BiConsumer<StatusWrite, StatusWriter.Result> completion;

  /** By object UID, in the order first asked. */
  private final Map<String, StatusWrite> pending = new LinkedHashMap<>();

  private final Thread thread;
  private boolean writing;
  private boolean closed;

  /**
   * @param completion told of every write's result, on the queue's thread
   */
  StatusWriteQueue(StatusWriter writer, BiConsumer<StatusWrite, StatusWriter.Result> completion) {
    this.writer = writer;
    this.completion = completion;
    this.thread = new Thread(this::run, "node-agent-status-writes");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Asks for a write; replaces a write of the same object that has not started yet. */
  synchronized void submit(StatusWrite write) {
    pending.put(write.object().getMetadata().getUid(), write);
    notifyAll();
  }

  /** True when no write waits and none runs. */
  synchronized boolean idle() {
    return pending.isEmpty() && !writing;
  }

  private void run() {
    while (true) {
      StatusWrite next;
      synchronized (this) {
        while (pending.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (pending.isEmpty()) {
          return; // closed, and everything asked for was written
        }
        Iterator<StatusWrite> first = pending.values().iterator();
        next = first.next();
        first.remove();
        writing = true;
      }
      try {
        completion.accept(next, write(next));
      } finally {
        synchronized (this) {
          writing = false;
          notifyAll();
        }
      }
    }
  }

  private StatusWriter.Result write(StatusWrite write) {
    try {
      return writer.write(write.object(), write.status());
    } catch (RuntimeException e) {
      // The writer reports API errors as results; anything else is kept for a later pass too.
      LOG.error(
          "writing the status of {}/{} failed",
          write.object().getMetadata().getNamespace(),
          write.object().getMetadata().getName(),
          e);
      return StatusWriter.Result.FAILED;
    }
  }

  /**
   * Writes what was asked for before, for up to {@code grace}, then gives up on the rest: the next
   * agent re-derives every status.
   */
  void close(Duration grace) {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    try {
      thread.join(Math.max(1, grace.toMillis()));
      if (thread.isAlive()) {
        LOG.warn("status writes still pending after {}; left to the next agent", grace);
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.cgroupns.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.daemon.NodeObjectReconciler.StatusWrite;
import dev.cgroupns.agent.daemon.api.StatusWriter;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatusWriteQueueTest {
  private final List<String> written = Collections.synchronizedList(new ArrayList<>());
  private final List<StatusWriter.Result> completed =
      Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch firstWriteStarted = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** Holds the first write until released, as a slow API server would. */
  private final StatusWriter slowFirst =
      (object, status) -> {
        if (firstWriteStarted.getCount() > 0) {
          firstWriteStarted.countDown();
          waitFor(release);
        }
        written.add(object.getMetadata().getName() + ":" + status.agent);
        return StatusWriter.Result.WRITTEN;
      };

  @Test
  void writesWaitingForTheSameObjectCollapseIntoTheLatestInTheOrderAsked() throws Exception {
    StatusWriteQueue queue = new StatusWriteQueue(slowFirst, (w, r) -> completed.add(r));
    queue.start();

    queue.submit(write("a", "v1"));
    assertThat(firstWriteStarted.await(30, TimeUnit.SECONDS)).isTrue();
    queue.submit(write("a", "v2"));
    queue.submit(write("b", "v1"));
    queue.submit(write("a", "v3"));
    assertThat(queue.idle()).isFalse();
    release.countDown();

    await().atMost(Duration.ofSeconds(30)).until(queue::idle);
    assertThat(written).containsExactly("a:v1", "a:v3", "b:v1");
    assertThat(completed).hasSize(3).containsOnly(StatusWriter.Result.WRITTEN);
    queue.close(Duration.ofSeconds(10));
  }

  @Test
  void aWriterThatThrowsCountsAsAFailedWriteAndTheQueueGoesOn() {
    List<String> names = Collections.synchronizedList(new ArrayList<>());
    StatusWriteQueue queue =
        new StatusWriteQueue(
            (object, status) -> {
              if (object.getMetadata().getName().equals("bad")) {
                throw new IllegalStateException("serialisation broke");
              }
              return StatusWriter.Result.WRITTEN;
            },
            (w, r) -> names.add(w.object().getMetadata().getName() + "=" + r));
    queue.start();

    queue.submit(write("bad", "v1"));
    queue.submit(write("good", "v1"));

    await().atMost(Duration.ofSeconds(30)).until(() -> names.size() == 2);
    assertThat(names).containsExactly("bad=FAILED", "good=WRITTEN");
    queue.close(Duration.ofSeconds(10));
  }

  @Test
  void closeFinishesWhatWasAskedForBefore() {
    StatusWriteQueue queue = new StatusWriteQueue(slowFirst, (w, r) -> completed.add(r));
    queue.start();
    queue.submit(write("a", "v1"));
    queue.submit(write("b", "v1"));
    release.countDown();

    queue.close(Duration.ofSeconds(30));

    assertThat(written).containsExactly("a:v1", "b:v1");
  }

  private static StatusWrite write(String name, String version) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.getMetadata().setNamespace("team");
    object.getMetadata().setName(name);
    object.getMetadata().setUid("uid-" + name);
    CgroupIsolationNodeStatus status = new CgroupIsolationNodeStatus();
    status.agent = version;
    return new StatusWrite(object, status);
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

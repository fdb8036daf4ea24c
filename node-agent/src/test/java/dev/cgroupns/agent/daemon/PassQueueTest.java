package dev.cgroupns.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PassQueueTest {
  private final PassQueue queue = new PassQueue();

  @Test
  void theFirstBatchDoesHousekeepingAndVerifiesEveryCachedObjectWithoutAnyEvent() {
    assertThat(queue.idle()).isFalse();

    PassQueue.Batch first = queue.take(List.of("team/a", "team/b"));

    assertThat(first.housekeeping()).isTrue();
    assertThat(first.objects()).containsExactly(entry("team/a", true), entry("team/b", true));
  }

  @Test
  void laterBatchesHoldOnlyWhatWasMarked() {
    queue.take(List.of());
    queue.finished();

    queue.mark("team/a", false);
    PassQueue.Batch batch = queue.take(List.of("team/a", "team/b"));

    assertThat(batch.objects()).containsExactly(entry("team/a", false));
    assertThat(batch.housekeeping()).isFalse();
  }

  @Test
  void aVerifyingMarkIsNeverDowngradedByAnIncrementalOne() {
    queue.take(List.of());
    queue.mark("team/a", true);
    queue.mark("team/a", false);
    queue.markAll(List.of("team/a", "team/b"), false);

    assertThat(queue.take(List.of()).objects())
        .containsExactly(entry("team/a", true), entry("team/b", false));
  }

  @Test
  void aFirstBatchKeepsTheVerificationOfObjectsMarkedBeforeIt() {
    queue.mark("team/gone", false);

    assertThat(queue.take(List.of("team/a")).objects())
        .containsExactly(entry("team/gone", false), entry("team/a", true));
  }

  @Test
  void deletedObjectsAndHousekeepingGoIntoTheNextBatchOnce() {
    queue.take(List.of());
    queue.finished();
    CgroupIsolationNode gone = TestObjects.nodeObject("team", "a", TestObjects.NODE);

    queue.deleted(gone);
    queue.housekeepingDue();
    PassQueue.Batch batch = queue.take(List.of());
    queue.finished();

    assertThat(batch.deleted()).containsExactly(gone);
    assertThat(batch.housekeeping()).isTrue();
    PassQueue.Batch next = queue.take(List.of());
    assertThat(next.deleted()).isEmpty();
    assertThat(next.housekeeping()).isFalse();
  }

  @Test
  void idleOnlyWhenNothingIsPendingAndNoBatchRuns() {
    queue.take(List.of());
    assertThat(queue.idle()).as("a batch runs").isFalse();
    queue.finished();
    assertThat(queue.idle()).isTrue();

    queue.mark("team/a", false);
    assertThat(queue.idle()).as("work is pending").isFalse();
  }

  @Test
  void awaitWorkReturnsAtOnceWhenWorkIsPendingAndWakesOnAMark() {
    queue.take(List.of());
    queue.finished();
    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(queue::awaitWork);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !waiting.isDone());

    queue.mark("team/a", false);

    assertThat(waiting.join()).isTrue();
    assertThat(queue.awaitWork()).as("still pending").isTrue();
  }

  @Test
  void stopWakesTheWaiterWithFalseEvenWithWorkPending() {
    queue.take(List.of());
    queue.finished();
    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(queue::awaitWork);

    queue.stop();

    assertThat(waiting.join()).isFalse();
    queue.mark("team/a", false);
    assertThat(queue.awaitWork()).isFalse();
    assertThat(queue.stopped()).isTrue();
  }

  private static java.util.Map.Entry<String, Boolean> entry(String key, boolean verify) {
    return java.util.Map.entry(key, verify);
  }

  @Test
  void urgentWorkCutsTheGatheringShortAndTheNextBatchIsNoLongerUrgent() throws Exception {
    PassQueue queue = new PassQueue();
    queue.take(List.of());
    CompletableFuture<Boolean> gathering =
        CompletableFuture.supplyAsync(() -> queue.gather(Duration.ofHours(1)));

    queue.markAllUrgent(List.of("ns/a"));

    await().atMost(Duration.ofSeconds(30)).until(gathering::isDone);
    assertThat(gathering.get()).isTrue();
    assertThat(queue.take(List.of()).objects()).containsEntry("ns/a", false);
    queue.finished();
    CompletableFuture<Boolean> after =
        CompletableFuture.supplyAsync(() -> queue.gather(Duration.ofHours(1)));
    queue.mark("ns/b", false);
    queue.stop();
    await().atMost(Duration.ofSeconds(30)).until(after::isDone);
    assertThat(after.get()).as("stopped, not urgent").isFalse();
  }
}

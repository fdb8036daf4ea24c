package dev.cgroupns.agent.isolate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.proc.ProcessIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  private static final ProcessIdentity PROCESS = new ProcessIdentity(4242, 987654);

  @TempDir Path dir;

  @Test
  void recordsRoundTripAndAreKeyedByPidAndStartTime() {
    StateStore store = new StateStore(dir.resolve("state"));
    RevertRecord record =
        new RevertRecord(
            4242,
            987654,
            "2026-11-29T07:00:00Z",
            List.of(
                new RevertRecord.RecordedMount(
                    "/sys/fs/cgroup/memory",
                    false,
                    List.of("memory"),
                    "/",
                    List.of("rw"),
                    "/k/p",
                    true)));

    store.write(record);

    assertThat(store.recordFile(PROCESS)).hasFileName("4242-987654.json");
    assertThat(store.read(PROCESS)).contains(record);
    assertThat(store.read(new ProcessIdentity(4242, 1))).isEmpty();
    assertThat(dir.resolve("state")).isDirectory();
    store.delete(PROCESS);
    assertThat(store.read(PROCESS)).isEmpty();
  }

  @Test
  void aRecordUnderAnotherProcessesNameIsRefused() throws Exception {
    StateStore store = new StateStore(dir);
    store.write(new RevertRecord(1, 2, "t", List.of()));
    Files.move(dir.resolve("1-2.json"), store.recordFile(PROCESS));

    assertThatThrownBy(() -> store.read(PROCESS)).hasMessageContaining("another process");
  }

  @Test
  void theLockIsExclusiveUntilReleased() {
    StateStore store = new StateStore(dir);

    try (StateStore.Lock lock = store.lock(PROCESS)) {
      assertThatThrownBy(() -> store.lock(PROCESS))
          .isInstanceOf(ContainerBusyException.class)
          .hasMessageContaining("another agent");
      store.lock(new ProcessIdentity(4242, 1)).close(); // other identities are independent
    }
    store.lock(PROCESS).close();
  }
}

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
  void staleStateOfProcessesThatAreGoneIsRemoved() throws Exception {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("4242"));
    // Field 22 of /proc/PID/stat is the start time: 987654.
    Files.writeString(
        proc.resolve("4242/stat"),
        "4242 (sleep) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100\n");
    StateStore store = new StateStore(dir.resolve("state"));
    ProcessIdentity reused = new ProcessIdentity(4242, 5);
    ProcessIdentity gone = new ProcessIdentity(77, 9);
    for (ProcessIdentity p : List.of(PROCESS, reused, gone)) {
      store.write(new RevertRecord(p.pid(), p.startTime(), "t", List.of()));
      store.lock(p).close();
    }

    List<ProcessIdentity> removed = store.removeStale(new dev.cgroupns.agent.proc.ProcFs(proc));

    assertThat(removed).containsExactlyInAnyOrder(reused, gone);
    try (var files = Files.list(dir.resolve("state"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("4242-987654.json", "4242-987654.lock");
    }
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

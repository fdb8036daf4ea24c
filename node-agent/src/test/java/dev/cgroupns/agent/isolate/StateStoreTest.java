package dev.cgroupns.agent.isolate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

  private static final RecordOwner OWNER =
      new RecordOwner(
          "11111111-1111-1111-1111-111111111111",
          "team",
          "iso-node-a",
          "iso",
          "web-0",
          "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
          "app",
          "containerd://" + "c".repeat(64));

  @Test
  void theDaemonsOwnerRoundTripsAndTheClisRecordHasNoOwnerField() throws Exception {
    StateStore store = new StateStore(dir);
    RevertRecord daemons = new RevertRecord(4242, 987654, "t", List.of(), OWNER);
    RevertRecord clis = new RevertRecord(7, 8, "t", List.of());

    store.write(daemons);
    store.write(clis);

    assertThat(store.read(PROCESS).orElseThrow().owner()).isEqualTo(OWNER);
    assertThat(store.read(new ProcessIdentity(7, 8)).orElseThrow().owner()).isNull();
    assertThat(Files.readString(dir.resolve("7-8.json"))).doesNotContain("owner");
    assertThat(store.readAll()).containsExactlyInAnyOrder(daemons, clis);
  }

  @Test
  void aRecordWrittenBeforeOwnersExistedReadsAsOwnerless() throws Exception {
    StateStore store = new StateStore(dir);
    Files.writeString(
        store.recordFile(PROCESS),
        "{\"pid\":4242,\"startTime\":987654,\"createdAt\":\"t\",\"mounts\":[]}");

    assertThat(store.read(PROCESS)).contains(new RevertRecord(4242, 987654, "t", List.of()));
  }

  @Test
  void readAllLeavesOutRecordsThatCannotBeReadOrNameAnotherProcess() throws Exception {
    StateStore store = new StateStore(dir);
    store.write(new RevertRecord(1, 2, "t", List.of()));
    Files.move(dir.resolve("1-2.json"), store.recordFile(PROCESS));
    Files.writeString(dir.resolve("5-6.json"), "{not json");
    RevertRecord good = new RevertRecord(9, 9, "t", List.of(), OWNER);
    store.write(good);

    assertThat(store.readAll()).containsExactly(good);
    assertThat(new StateStore(dir.resolve("missing")).readAll()).isEmpty();
  }

  @Test
  void anOwnerWithAnInvalidPodUidOrContainerIdIsUnusable() {
    assertThat(OWNER.validated()).contains(OWNER);
    assertThat(
            new RecordOwner(
                    OWNER.objectUid(),
                    "team",
                    "iso-node-a",
                    "iso",
                    "web-0",
                    "../../etc",
                    "app",
                    OWNER.statusContainerId())
                .validated())
        .isEmpty();
    assertThat(
            new RecordOwner(
                    OWNER.objectUid(),
                    "team",
                    "iso-node-a",
                    "iso",
                    "web-0",
                    OWNER.podUid(),
                    "app",
                    "containerd://abc")
                .validated())
        .isEmpty();
    assertThat(
            new RecordOwner("", "team", "iso-node-a", "iso", "web-0", OWNER.podUid(), "app", null)
                .validated())
        .isEmpty();
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

  @Test
  void aRecordReachedThroughASymlinkIsRefused() throws Exception {
    StateStore store = new StateStore(dir);
    store.write(new RevertRecord(1, 2, "t", List.of()));
    Files.createSymbolicLink(store.recordFile(PROCESS), dir.resolve("1-2.json"));

    assertThatThrownBy(() -> store.read(PROCESS)).hasMessageContaining("is a symlink");
    assertThat(store.readAll()).as("the real record, never the link").hasSize(1);
  }

  @Test
  void aRecordLargerThanAnyTheAgentWritesIsRefusedUnparsed() throws Exception {
    StateStore store = new StateStore(dir);
    Files.writeString(
        store.recordFile(PROCESS), " ".repeat(StateStore.MAX_RECORD_BYTES + 1) + "{}");

    assertThatThrownBy(() -> store.read(PROCESS))
        .hasMessageContaining("more than any record the agent writes");
  }

  @Test
  void aRecordWithAForgedMountPointIsRefusedWithTheReason() {
    StateStore store = new StateStore(dir);
    store.write(
        new RevertRecord(
            PROCESS.pid(),
            PROCESS.startTime(),
            "t",
            List.of(
                new RevertRecord.RecordedMount(
                    "/sys/fs/cgroup/../../../etc",
                    false,
                    List.of("memory"),
                    "/",
                    List.of("rw"),
                    "/k",
                    true))));

    assertThatThrownBy(() -> store.read(PROCESS))
        .hasMessageContaining("not a record the agent writes")
        .hasMessageContaining("'..'");
  }

  @Test
  void aStateDirectoryOthersCanWriteIsNotTrusted() throws Exception {
    StateStore store = new StateStore(dir);
    store.write(new RevertRecord(PROCESS.pid(), PROCESS.startTime(), "t", List.of()));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(store::checkDirectory).hasMessageContaining("chmod 700");
    assertThatThrownBy(() -> store.read(PROCESS)).hasMessageContaining("writable by group");
    assertThatThrownBy(store::readAll).hasMessageContaining("writable by group");
    assertThatThrownBy(() -> store.lock(PROCESS)).hasMessageContaining("writable by group");
  }

  @Test
  void aStateDirectoryThatIsASymlinkIsNotTrusted() throws Exception {
    Files.createDirectory(dir.resolve("real"));
    Files.createSymbolicLink(dir.resolve("state"), dir.resolve("real"));

    assertThatThrownBy(() -> new StateStore(dir.resolve("state")).checkDirectory())
        .hasMessageContaining("is a symlink");
  }

  @Test
  void aStateDirectoryOwnedByAnotherUserIsNotTrusted() throws Exception {
    Requirements.requireRoot();
    Path state = Files.createDirectory(dir.resolve("state"));
    Files.setAttribute(state, "unix:uid", 65534);

    assertThatThrownBy(() -> new StateStore(state).checkDirectory())
        .hasMessageContaining("owned by uid 65534");
  }
}

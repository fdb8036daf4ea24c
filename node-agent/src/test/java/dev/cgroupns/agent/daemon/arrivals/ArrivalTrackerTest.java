package dev.cgroupns.agent.daemon.arrivals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.ProcFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch and the tracker over a kubelet-shaped directory tree and a /proc made of files: the
 * same inotify and the same reads as on a node, with every process state chosen by the test.
 */
class ArrivalTrackerTest {
  private static final String UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  private static final String OTHER_UID = "11111111-2222-3333-4444-555555555555";
  private static final String ID = "c".repeat(64);
  private static final String SANDBOX_ID = "d".repeat(64);

  @TempDir Path tmp;
  private Path cgroup;
  private Path proc;
  private ContainerArrivals arrivals;
  private ArrivalTracker tracker;
  private PodCgroupWatcher watcher;
  private final AtomicInteger passes = new AtomicInteger();
  private final Map<ArrivalTracker.Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    cgroup = Files.createDirectories(tmp.resolve("cgroup"));
    Files.createDirectories(cgroup.resolve("kubepods/besteffort"));
    proc = Files.createDirectories(tmp.resolve("proc"));
    ProcFs procFs = new ProcFs(proc);
    arrivals = new ContainerArrivals(procFs::isAlive);
    tracker =
        new ArrivalTracker(
            procFs,
            arrivals,
            passes::incrementAndGet,
            o -> outcomes.computeIfAbsent(o, k -> new AtomicInteger()).incrementAndGet(),
            Clock.systemUTC());
    watcher = PodCgroupWatcher.open(cgroup, tracker::created).orElseThrow();
    tracker.start();
    watcher.start();
  }

  @AfterEach
  void stop() {
    watcher.close();
    tracker.close();
  }

  @Test
  void aContainerIsRecordedOnceItsInitRunsItsProgramAndNamedFromItsShimsBundle() throws Exception {
    // The shim runs in the sandbox's bundle; the container's own is the sibling that counts.
    shim(
        400,
        Map.of(ID, bundle("container", "main", UID), SANDBOX_ID, bundle("sandbox", null, UID)));
    Path pod = Files.createDirectory(cgroup.resolve("kubepods/besteffort/pod" + UID));
    Path container = Files.createDirectory(pod.resolve(ID));
    process(500, 400, "runc:[2:INIT]");
    Files.writeString(container.resolve("cgroup.procs"), "500\n");

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tracker.pendingCount() == 1);
    assertThat(arrivals.lookup().running(UID, "main")).as("while runc sets it up").isEmpty();

    process(500, 400, "sleep");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> arrivals.lookup().running(UID, "main").isPresent());
    ContainerArrivals.Arrival arrival = arrivals.lookup().running(UID, "main").get();
    assertThat(arrival.containerId()).isEqualTo(ID);
    assertThat(arrival.statusContainerId()).isEqualTo("containerd://" + ID);
    assertThat(arrival.init().pid()).isEqualTo(500);
    assertThat(passes.get()).isEqualTo(1);
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void runcsInitWaitingOnItsExecFifoIsAnArrivalBeforeTheProgramStarts() throws Exception {
    shim(400, Map.of(ID, bundle("container", "main", UID)));
    Path pod = Files.createDirectory(cgroup.resolve("kubepods/besteffort/pod" + UID));
    Path container = Files.createDirectory(pod.resolve(ID));
    process(500, 400, "runc:[2:INIT]");
    Files.writeString(proc.resolve("500/wchan"), "do_mount");
    Files.writeString(container.resolve("cgroup.procs"), "500\n");

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tracker.pendingCount() == 1);
    assertThat(arrivals.lookup().running(UID, "main")).as("while runc mounts").isEmpty();

    // Its last step: blocked opening the FIFO that the runtime's start opens from the other end.
    Files.writeString(proc.resolve("500/wchan"), "wait_for_partner");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> arrivals.lookup().running(UID, "main").isPresent());
    assertThat(arrivals.lookup().running(UID, "main").get().init().pid()).isEqualTo(500);
    assertThat(passes.get()).isEqualTo(1);
  }

  @Test
  void aProcessStillInItsRuntimesMountNamespaceIsNoArrivalWhateverItsName() throws Exception {
    shim(400, Map.of(ID, bundle("container", "main", UID)));
    Path pod = Files.createDirectory(cgroup.resolve("kubepods/besteffort/pod" + UID));
    Path container = Files.createDirectory(pod.resolve(ID));
    process(500, 400, "sleep");
    mountNamespace(500, 1); // the shim's, the host's
    Files.writeString(container.resolve("cgroup.procs"), "500\n");

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tracker.pendingCount() == 1);
    assertThat(arrivals.lookup().running(UID, "main")).isEmpty();

    mountNamespace(500, 2);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> arrivals.lookup().running(UID, "main").isPresent());
  }

  @Test
  void sandboxesAnotherPodsBundleAndShimlessProcessesAreNotArrivals() throws Exception {
    shim(400, Map.of(SANDBOX_ID, bundle("sandbox", null, UID)));
    shim(401, Map.of(ID, bundle("container", "main", OTHER_UID)));
    Path pod = Files.createDirectory(cgroup.resolve("kubepods/besteffort/pod" + UID));
    String[] ids = {SANDBOX_ID, ID, "e".repeat(64)};
    int[] parents = {400, 401, 1};
    for (int i = 0; i < ids.length; i++) {
      Path container = Files.createDirectory(pod.resolve(ids[i]));
      process(600 + i, parents[i], "pause");
      Files.writeString(container.resolve("cgroup.procs"), (600 + i) + "\n");
    }

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count(ArrivalTracker.Outcome.SANDBOX) + count(ArrivalTracker.Outcome.UNNAMED) == 3);
    assertThat(count(ArrivalTracker.Outcome.SANDBOX)).isEqualTo(1);
    assertThat(arrivals.size()).isZero();
    assertThat(passes.get()).isZero();
  }

  @Test
  void aPodsCgroupMadeBeforeTheWatchIsWatchedToo() throws Exception {
    watcher.close();
    Path pod = Files.createDirectory(cgroup.resolve("kubepods/besteffort/pod" + UID));
    watcher = PodCgroupWatcher.open(cgroup, tracker::created).orElseThrow();
    watcher.start();
    assertThat(watcher.watchedPods()).isEqualTo(1);

    shim(400, Map.of(ID, bundle("container", "main", UID)));
    process(500, 400, "sleep");
    Path container = Files.createDirectory(pod.resolve(ID));
    Files.writeString(container.resolve("cgroup.procs"), "500\n");

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> arrivals.lookup().running(UID, "main").isPresent());
  }

  @Test
  void aTreeWithoutTheKubeletsCgroupsHasNoWatch() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("bare"));
    assertThat(PodCgroupWatcher.open(empty, (d, p) -> {})).isEmpty();
    Files.createDirectories(empty.resolve("memory/kubepods.slice"));
    assertThat(PodCgroupWatcher.hierarchyWithPods(empty)).contains(empty.resolve("memory"));
  }

  private int count(ArrivalTracker.Outcome outcome) {
    AtomicInteger n = outcomes.get(outcome);
    return n == null ? 0 : n.get();
  }

  /** A fake process: its stat (parent and a start time) and its comm. */
  private void process(int pid, int parent, String comm) throws Exception {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(
        dir.resolve("stat"),
        pid
            + " ("
            + comm
            + ") S "
            + parent
            + " 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
            + (1000 + pid)
            + " 0 0\n");
    Files.writeString(dir.resolve("comm"), comm + "\n");
    mountNamespace(pid, parent == 1 || comm.startsWith("containerd") ? 1 : 2);
  }

  /** The process's /proc/PID/ns/mnt link, "mnt:[N]". */
  private void mountNamespace(int pid, long inode) throws Exception {
    Path ns = Files.createDirectories(proc.resolve(pid + "/ns"));
    Files.deleteIfExists(ns.resolve("mnt"));
    Files.createSymbolicLink(ns.resolve("mnt"), Path.of("mnt:[" + inode + "]"));
  }

  /**
   * A fake shim of one pod, as containerd runs it: in the sandbox's bundle, with each container's
   * bundle beside it, named after the container's ID.
   */
  private void shim(int pid, Map<String, String> configs) throws Exception {
    process(pid, 1, "containerd-shim");
    Path bundles = Files.createDirectories(tmp.resolve("bundles/" + pid));
    for (Map.Entry<String, String> config : configs.entrySet()) {
      Path bundle = Files.createDirectories(bundles.resolve(config.getKey()));
      Files.writeString(bundle.resolve("config.json"), config.getValue());
    }
    Files.createDirectories(bundles.resolve(SANDBOX_ID));
    Files.createSymbolicLink(proc.resolve(pid + "/cwd"), bundles.resolve(SANDBOX_ID));
  }

  private static String bundle(String type, String name, String podUid) {
    List<String> entries =
        new java.util.ArrayList<>(
            List.of(
                "\"io.kubernetes.cri.container-type\":\"" + type + "\"",
                "\"io.kubernetes.cri.sandbox-uid\":\"" + podUid + "\""));
    if (name != null) {
      entries.add("\"io.kubernetes.cri.container-name\":\"" + name + "\"");
    }
    return "{\"annotations\":{" + String.join(",", entries) + "}}";
  }
}

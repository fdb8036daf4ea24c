package dev.cgroupns.agent.discovery;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.ProcCgroup;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.proc.ProcFormatException;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds containers and their init processes by reading /proc.
 *
 * <p>A scan reads /proc/PID/cgroup of every process (one small read each) and /proc/PID/stat only
 * for processes that are in a container, so a pass over a node with a thousand processes stays
 * cheap. It keeps one candidate per container (the oldest seen so far), so its memory grows with
 * the number of containers, never with the number of processes a container forks. Processes that
 * exit mid-scan are skipped. A container's init is the process with the lowest start time in that
 * container's cgroup (or below it: crun's "/container" leaf); the chosen one is confirmed by
 * reading its cgroup again between two reads of its start time, so a PID reused during the scan is
 * not mistaken for the init.
 */
public final class ContainerProcessFinder {
  /** Scans of one container before giving up when its oldest process keeps vanishing. */
  private static final int SCAN_ATTEMPTS = 3;

  private static final Comparator<ProcessIdentity> OLDEST_FIRST =
      Comparator.comparingLong(ProcessIdentity::startTime).thenComparingInt(ProcessIdentity::pid);

  private final ProcFs procFs;

  public ContainerProcessFinder(ProcFs procFs) {
    this.procFs = procFs;
  }

  /** The init process of one container, empty when no process of it runs (any more). */
  public Optional<ContainerProcess> findInit(String containerId) {
    ContainerIds.requireContainerId(containerId);
    for (int attempt = 0; attempt < SCAN_ATTEMPTS; attempt++) {
      Oldest oldest = new Oldest();
      procFs
          .pids()
          .forEach(
              pid -> {
                String content = readCgroupOrNull(pid);
                // Cheap filter first: only files that mention the ID are parsed.
                if (content != null && content.contains(containerId)) {
                  containerIn(ProcCgroupParser.parse(content))
                      .filter(c -> c.containerId().equals(containerId))
                      .ifPresent(c -> oldest.offer(pid, c));
                }
              });
      if (oldest.best == null) {
        return Optional.empty();
      }
      Optional<ContainerProcess> confirmed = confirm(oldest.best);
      if (confirmed.isPresent()) {
        return confirmed;
      }
      // The oldest exited (or its PID was reused) after the scan saw it: look again.
    }
    return Optional.empty();
  }

  /** Every container with at least one process, keyed by container ID. */
  public Map<String, ContainerProcess> scanAll() {
    // One entry per container, however many processes each runs: a pod may fork tens of
    // thousands, and the agent's heap must not grow with them.
    Map<String, Oldest> byContainer = new HashMap<>();
    procFs
        .pids()
        .forEach(
            pid -> {
              String content = readCgroupOrNull(pid);
              if (content != null) {
                containerIn(ProcCgroupParser.parse(content))
                    .ifPresent(
                        c ->
                            byContainer
                                .computeIfAbsent(c.containerId(), id -> new Oldest())
                                .offer(pid, c));
              }
            });
    Map<String, ContainerProcess> found = new LinkedHashMap<>();
    byContainer.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              Optional<ContainerProcess> init = confirm(e.getValue().best);
              if (init.isEmpty()) {
                // The oldest process seen went away during the scan; the next oldest was not
                // kept, so this one container is scanned again on its own.
                init = findInit(e.getKey());
              }
              init.ifPresent(p -> found.put(e.getKey(), p));
            });
    return found;
  }

  /**
   * The container a process belongs to; empty when it belongs to none.
   *
   * @throws ProcessVanishedException when the process does not exist (any more)
   */
  public Optional<ContainerCgroup> containerOf(int pid) {
    return containerIn(procFs.cgroups(pid));
  }

  /**
   * The container named by a process's cgroup lines. Every line that names a container must name
   * the same one; a process whose hierarchies disagree (only possible if someone moved it by hand)
   * is ambiguous and treated as no container.
   */
  static Optional<ContainerCgroup> containerIn(ProcCgroup cgroups) {
    ContainerCgroup first = null;
    for (CgroupLine line : cgroups.lines()) {
      Optional<ContainerCgroup> parsed = KubeletCgroupNames.parse(line.path());
      if (parsed.isEmpty()) {
        continue;
      }
      if (first == null) {
        first = parsed.get();
      } else if (!first.containerId().equals(parsed.get().containerId())) {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(first);
  }

  /** Re-reads the cgroup after the start time and checks the start time once more. */
  private Optional<ContainerProcess> confirm(Identified candidate) {
    ProcessIdentity identity = candidate.identity();
    try {
      ProcCgroup cgroups = procFs.cgroups(identity.pid());
      Optional<ContainerCgroup> container = containerIn(cgroups);
      String expectedId = candidate.container().containerId();
      if (container.isEmpty()
          || !container.get().containerId().equals(expectedId)
          || !procFs.isAlive(identity)) {
        return Optional.empty();
      }
      return Optional.of(new ContainerProcess(identity, container.get(), cgroups));
    } catch (ProcessVanishedException | UncheckedIOException | ProcFormatException e) {
      return Optional.empty();
    }
  }

  /** The raw /proc/PID/cgroup, or null when the process is gone or its file is unreadable. */
  private String readCgroupOrNull(int pid) {
    try {
      return procFs.read(pid, "cgroup", ProcFs.MAX_CGROUP_BYTES);
    } catch (ProcessVanishedException | UncheckedIOException | ProcFormatException e) {
      return null;
    }
  }

  /** The identity of a process, or null when it is gone or its stat cannot be read. */
  private ProcessIdentity identityOrNull(int pid) {
    try {
      return procFs.identity(pid).orElse(null);
    } catch (ProcessVanishedException | UncheckedIOException | ProcFormatException e) {
      // Unreadable stat: this process cannot be identified, so it cannot be the init.
      return null;
    }
  }

  /** A process seen in a container, with the identity read as the scan passed it. */
  private record Identified(ProcessIdentity identity, ContainerCgroup container) {}

  /**
   * The oldest process of one container among those offered: oldest start time, then lowest PID.
   */
  private final class Oldest {
    private Identified best;

    void offer(int pid, ContainerCgroup container) {
      ProcessIdentity identity = identityOrNull(pid);
      if (identity != null
          && (best == null || OLDEST_FIRST.compare(identity, best.identity()) < 0)) {
        best = new Identified(identity, container);
      }
    }
  }
}

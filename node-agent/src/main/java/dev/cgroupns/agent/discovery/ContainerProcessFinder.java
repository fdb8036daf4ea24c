package dev.cgroupns.agent.discovery;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.ProcCgroup;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.proc.ProcFormatException;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds containers and their init processes by reading /proc.
 *
 * <p>A scan reads /proc/PID/cgroup of every process (one small read each) and /proc/PID/stat only
 * for processes that are in a container, so a pass over a node with a thousand processes stays
 * cheap. Processes that exit mid-scan are skipped. A container's init is the process with the
 * lowest start time in that container's cgroup (or below it: crun's "/container" leaf); the chosen
 * one is confirmed by reading its cgroup again between two reads of its start time, so a PID reused
 * during the scan is not mistaken for the init.
 */
public final class ContainerProcessFinder {
  private final ProcFs procFs;

  public ContainerProcessFinder(ProcFs procFs) {
    this.procFs = procFs;
  }

  /** The init process of one container, empty when no process of it runs (any more). */
  public Optional<ContainerProcess> findInit(String containerId) {
    ContainerIds.requireContainerId(containerId);
    List<Candidate> candidates = new ArrayList<>();
    procFs
        .pids()
        .forEach(
            pid -> {
              String content = readCgroupOrNull(pid);
              // Cheap filter first: only files that mention the ID are parsed.
              if (content != null && content.contains(containerId)) {
                containerIn(ProcCgroupParser.parse(content))
                    .filter(c -> c.containerId().equals(containerId))
                    .ifPresent(c -> candidates.add(new Candidate(pid, c)));
              }
            });
    return chooseInit(candidates);
  }

  /** Every container with at least one process, keyed by container ID. */
  public Map<String, ContainerProcess> scanAll() {
    Map<String, List<Candidate>> byContainer = new HashMap<>();
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
                                .computeIfAbsent(c.containerId(), id -> new ArrayList<>())
                                .add(new Candidate(pid, c)));
              }
            });
    Map<String, ContainerProcess> found = new LinkedHashMap<>();
    byContainer.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> chooseInit(e.getValue()).ifPresent(p -> found.put(e.getKey(), p)));
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

  private Optional<ContainerProcess> chooseInit(List<Candidate> candidates) {
    List<Identified> identified = new ArrayList<>();
    for (Candidate candidate : candidates) {
      try {
        procFs
            .identity(candidate.pid())
            .ifPresent(id -> identified.add(new Identified(id, candidate)));
      } catch (UncheckedIOException | ProcFormatException e) {
        // Unreadable stat: this process cannot be identified, so it cannot be the init.
      }
    }
    identified.sort(
        Comparator.comparingLong((Identified i) -> i.identity().startTime())
            .thenComparingInt(i -> i.identity().pid()));
    for (Identified oldest : identified) {
      Optional<ContainerProcess> confirmed = confirm(oldest);
      if (confirmed.isPresent()) {
        return confirmed;
      }
    }
    return Optional.empty();
  }

  /** Re-reads the cgroup after the start time and checks the start time once more. */
  private Optional<ContainerProcess> confirm(Identified candidate) {
    ProcessIdentity identity = candidate.identity();
    try {
      ProcCgroup cgroups = procFs.cgroups(identity.pid());
      Optional<ContainerCgroup> container = containerIn(cgroups);
      String expectedId = candidate.candidate().container().containerId();
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

  private record Candidate(int pid, ContainerCgroup container) {}

  private record Identified(ProcessIdentity identity, Candidate candidate) {}
}

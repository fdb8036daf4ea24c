package dev.cgroupns.agent.daemon;

import dev.cgroupns.agent.daemon.engine.ContainerEngine;
import dev.cgroupns.agent.daemon.engine.ContainerFacts;
import dev.cgroupns.agent.daemon.engine.EngineOutcome;
import dev.cgroupns.agent.daemon.engine.EngineOutcome.Kind;
import dev.cgroupns.agent.daemon.engine.FailureReason;
import dev.cgroupns.agent.daemon.engine.ViewReading;
import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.agent.isolate.IsolationRequest;
import dev.cgroupns.agent.isolate.RecordOwner;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import dev.cgroupns.api.v1alpha1.ContainerView;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.MountState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory engine with the real one's contract: containers run or not, are isolated or not, and
 * every call is recorded, so tests can say which containers the daemon touched.
 */
final class FakeEngine implements ContainerEngine {
  private static final AtomicInteger NEXT_PID = new AtomicInteger(1000);

  private final Map<String, ProcessIdentity> running = new HashMap<>();
  private final Map<ProcessIdentity, Boolean> isolatedReadOnly = new HashMap<>();

  /** The owner each isolated container's record names; absent for the CLI's records. */
  private final Map<ProcessIdentity, RecordOwner> owners = new HashMap<>();

  private final Set<ProcessIdentity> privateNamespace = new HashSet<>();
  private final Map<ProcessIdentity, FailureReason> failNext = new HashMap<>();
  private final List<String> calls = new ArrayList<>();
  private final List<ViewReading> readings = new ArrayList<>();

  /** Starts a container's process; returns its identity. */
  synchronized ProcessIdentity start(String containerId) {
    ProcessIdentity init = new ProcessIdentity(NEXT_PID.incrementAndGet(), 1_000_000L);
    running.put(containerId, init);
    return init;
  }

  synchronized void stop(String containerId) {
    ProcessIdentity init = running.remove(containerId);
    if (init != null) {
      isolatedReadOnly.remove(init);
      owners.remove(init);
    }
  }

  /** The container was isolated before this agent started: by the daemon for {@code owner}. */
  synchronized void isolatedEarlier(String containerId, RecordOwner owner) {
    ProcessIdentity init = running.get(containerId);
    isolatedReadOnly.put(init, true);
    if (owner != null) {
      owners.put(init, owner);
    }
  }

  /** The owner the container's record names, if any. */
  synchronized RecordOwner owner(String containerId) {
    return owners.get(running.get(containerId));
  }

  @Override
  public synchronized List<OwnedIsolation> ownedIsolations() {
    List<OwnedIsolation> owned = new ArrayList<>();
    owners.forEach(
        (init, owner) -> {
          if (isolatedReadOnly.containsKey(init)) {
            owned.add(new OwnedIsolation(init, owner));
          }
        });
    return owned;
  }

  synchronized void givePrivateNamespace(String containerId) {
    privateNamespace.add(running.get(containerId));
  }

  /** Someone remounted the container's cgroupfs behind the agent's back. */
  synchronized void remountBehindTheAgentsBack(String containerId) {
    isolatedReadOnly.remove(running.get(containerId));
  }

  synchronized void failNextCall(String containerId, FailureReason reason) {
    failNext.put(running.get(containerId), reason);
  }

  synchronized boolean isIsolated(String containerId) {
    ProcessIdentity init = running.get(containerId);
    return init != null && isolatedReadOnly.containsKey(init);
  }

  synchronized Boolean readOnly(String containerId) {
    return isolatedReadOnly.get(running.get(containerId));
  }

  /** Every isolate/revert call so far, as "isolate:ID" or "revert:ID". */
  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** What each isolate call asked about the container's view, in order. */
  synchronized List<ViewReading> readings() {
    return List.copyOf(readings);
  }

  synchronized long callsFor(String containerId) {
    return calls.stream().filter(c -> c.endsWith(":" + containerId)).count();
  }

  private final AtomicInteger housekeeping = new AtomicInteger();

  @Override
  public void removeStaleState() {
    housekeeping.incrementAndGet();
  }

  int housekeepingRuns() {
    return housekeeping.get();
  }

  @Override
  public synchronized Snapshot snapshot() {
    Map<String, ProcessIdentity> copy = new HashMap<>(running);
    return id -> Optional.ofNullable(copy.get(id));
  }

  /**
   * Makes the next isolations wait for {@code gate}, after counting down {@code entered}: a test
   * can then act while the daemon is in the middle of a pass.
   */
  void holdIsolations(CountDownLatch entered, CountDownLatch gate) {
    this.entered = entered;
    this.gate = gate;
  }

  private volatile CountDownLatch entered;
  private volatile CountDownLatch gate;

  @Override
  public EngineOutcome isolate(IsolationRequest request, ViewReading reading) {
    synchronized (this) {
      readings.add(reading);
    }
    CountDownLatch g = gate;
    if (g != null) {
      entered.countDown();
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return isolateNow(
        request.target(),
        request.access().readOnly(),
        request.mode() == IsolationMode.Audit,
        request.daemonOwner().orElseThrow());
  }

  private synchronized EngineOutcome isolateNow(
      ProcessIdentity init, boolean readOnly, boolean audit, RecordOwner owner) {
    calls.add((audit ? "audit:" : "isolate:") + idOf(init));
    if (!running.containsValue(init)) {
      return EngineOutcome.failed(FailureReason.ContainerVanished, null, null, "it exited");
    }
    FailureReason failure = failNext.remove(init);
    if (failure != null) {
      return EngineOutcome.failed(failure, (long) init.pid(), null, "injected failure");
    }
    if (privateNamespace.contains(init)) {
      return EngineOutcome.of(Kind.ALREADY_PRIVATE, (long) init.pid(), facts(null), "");
    }
    Boolean current = isolatedReadOnly.get(init);
    if (current != null && current == readOnly) {
      return EngineOutcome.of(Kind.ALREADY_ISOLATED, (long) init.pid(), facts(readOnly), "");
    }
    if (audit) {
      return EngineOutcome.of(
          Kind.WOULD_CHANGE, (long) init.pid(), facts(null), "remount 9 cgroupfs mounts");
    }
    boolean hadRecord = isolatedReadOnly.containsKey(init);
    isolatedReadOnly.put(init, readOnly);
    if (!hadRecord && owner != null) {
      owners.put(init, owner);
    }
    return EngineOutcome.of(Kind.ISOLATED, (long) init.pid(), facts(readOnly), "");
  }

  @Override
  public synchronized EngineOutcome revert(ProcessIdentity init, String podUid) {
    calls.add("revert:" + idOf(init));
    FailureReason failure = failNext.remove(init);
    if (failure != null) {
      return EngineOutcome.failed(failure, (long) init.pid(), null, "injected failure");
    }
    owners.remove(init);
    if (isolatedReadOnly.remove(init) == null) {
      return EngineOutcome.of(Kind.NOTHING_TO_REVERT, (long) init.pid(), null, "");
    }
    return EngineOutcome.of(Kind.REVERTED, (long) init.pid(), facts(null), "");
  }

  private String idOf(ProcessIdentity init) {
    return running.entrySet().stream()
        .filter(e -> e.getValue().equals(init))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse("gone");
  }

  private static ContainerFacts facts(Boolean readOnly) {
    MountState state =
        readOnly == null
            ? MountState.ReadWrite
            : readOnly ? MountState.ReadOnly : MountState.ReadWrite;
    // A view, as the real engine reports: the container's own cgroup at its root.
    ContainerView view = new ContainerView();
    view.procSelfCgroup.add(new CgroupPaths("memory", "/"));
    return new ContainerFacts(CgroupVersion.Hybrid, List.of(), view, CgroupNamespace.HOST, state);
  }
}

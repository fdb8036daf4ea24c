package dev.cgroupns.agent.daemon.engine;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.cgroup.CgroupPathException;
import dev.cgroupns.agent.daemon.engine.EngineOutcome.Kind;
import dev.cgroupns.agent.discovery.ContainerCgroup;
import dev.cgroupns.agent.discovery.ContainerProcess;
import dev.cgroupns.agent.discovery.ContainerProcessFinder;
import dev.cgroupns.agent.inspect.ApiViewMapper;
import dev.cgroupns.agent.inspect.ContainerInspection;
import dev.cgroupns.agent.inspect.ContainerInspector;
import dev.cgroupns.agent.isolate.ContainerBusyException;
import dev.cgroupns.agent.isolate.ContainerIsolator;
import dev.cgroupns.agent.isolate.IsolationFailedException;
import dev.cgroupns.agent.isolate.IsolationObserver;
import dev.cgroupns.agent.isolate.IsolationOutcome;
import dev.cgroupns.agent.isolate.IsolationRequest;
import dev.cgroupns.agent.isolate.RecordOwner;
import dev.cgroupns.agent.isolate.RevertRecord;
import dev.cgroupns.agent.isolate.StateStore;
import dev.cgroupns.agent.kernel.KernelException;
import dev.cgroupns.agent.kernel.NamespaceThreadTimeoutException;
import dev.cgroupns.agent.proc.MountTableTooLargeException;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's port onto the kernel engine: containers are found by scanning /proc (by container
 * ID, never by a path built from it), isolated and reverted by {@link ContainerIsolator}, and
 * described afterwards by {@link ContainerInspector}, so the status shows what each container sees
 * as the kernel renders it for that container. Every engine exception becomes a failure outcome
 * with a reason from a closed set; the isolator guarantees that a failure leaves the container as
 * it was (or says that it could not, which the message then carries).
 */
public final class KernelContainerEngine implements ContainerEngine {
  private static final Logger LOG = LoggerFactory.getLogger(KernelContainerEngine.class);
  private static final Duration THREAD_TIMEOUT = Duration.ofSeconds(10);

  private final ProcFs procFs;
  private final StateStore store;
  private final ContainerProcessFinder finder;
  private final ContainerIsolator isolator;
  private final ContainerInspector inspector;

  public KernelContainerEngine(
      ProcFs procFs,
      StateStore store,
      ContainerProcessFinder finder,
      ContainerIsolator isolator,
      ContainerInspector inspector) {
    this.procFs = procFs;
    this.store = store;
    this.finder = finder;
    this.isolator = isolator;
    this.inspector = inspector;
  }

  /**
   * The engine on this host.
   *
   * @param procRoot the host's procfs
   * @param cgroupRoot the host's cgroup hierarchies, as mounted into the agent
   * @param stateDir revert records and locks
   * @param referencePid a process in the host's cgroup namespace (the agent itself by default)
   */
  public static KernelContainerEngine create(
      Path procRoot, Path cgroupRoot, Path stateDir, int referencePid) {
    ProcFs procFs = new ProcFs(procRoot);
    CgroupLayout layout = CgroupLayout.detect(procFs, cgroupRoot);
    StateStore store = new StateStore(stateDir);
    store.checkDirectory(); // a daemon over forged revert records must not even start
    return new KernelContainerEngine(
        procFs,
        store,
        new ContainerProcessFinder(procFs),
        new ContainerIsolator(
            procFs, layout, store, referencePid, THREAD_TIMEOUT, IsolationObserver.NONE),
        new ContainerInspector(procFs, referencePid, THREAD_TIMEOUT));
  }

  @Override
  public Snapshot snapshot() {
    Map<String, ContainerProcess> running = finder.scanAll();
    return id -> Optional.ofNullable(running.get(id)).map(ContainerProcess::init);
  }

  @Override
  public void removeStaleState() {
    try {
      List<ProcessIdentity> removed = store.removeStale(procFs);
      if (!removed.isEmpty()) {
        LOG.info("removed the state of {} containers that no longer run", removed.size());
      }
    } catch (RuntimeException e) {
      LOG.warn("could not clean the state directory: {}", e.toString());
    }
  }

  @Override
  public List<OwnedIsolation> ownedIsolations() {
    List<OwnedIsolation> owned = new ArrayList<>();
    for (RevertRecord record : store.readAll()) {
      if (record.owner() == null) {
        continue; // the CLI's: only a person reverts it
      }
      ProcessIdentity process = new ProcessIdentity(record.pid(), record.startTime());
      if (!procFs.isAlive(process)) {
        continue; // its mounts died with it; housekeeping removes the record
      }
      Optional<RecordOwner> owner = record.owner().validated();
      if (owner.isEmpty()) {
        LOG.warn("the revert record of {} names an unusable owner; left alone", process);
        continue;
      }
      owned.add(new OwnedIsolation(process, owner.get()));
    }
    return owned;
  }

  @Override
  public EngineOutcome isolate(IsolationRequest request, ViewReading reading) {
    ProcessIdentity init = request.target();
    RecordOwner owner =
        request
            .daemonOwner()
            .orElseThrow(() -> new IllegalArgumentException("the daemon isolates for an owner"));
    Long pid = (long) init.pid();
    Optional<EngineOutcome> foreign = inAnotherPod(init, owner.podUid(), pid);
    if (foreign.isPresent()) {
      return foreign.get();
    }
    IsolationOutcome outcome;
    try {
      outcome = isolator.isolate(request);
    } catch (RuntimeException e) {
      return failure(e, pid, false);
    }
    Kind kind =
        switch (outcome.result()) {
          case ISOLATED -> Kind.ISOLATED;
          case ALREADY_ISOLATED -> Kind.ALREADY_ISOLATED;
          case ALREADY_PRIVATE -> Kind.ALREADY_PRIVATE;
          case NO_CGROUP_MOUNTS -> Kind.NO_CGROUP_MOUNTS;
          case WOULD_CHANGE -> Kind.WOULD_CHANGE;
          default -> null; // REFUSED, or a revert result that isolate never gives
        };
    if (kind == null) {
      return EngineOutcome.failed(
          outcome.result() == IsolationOutcome.Result.REFUSED
              ? FailureReason.Refused
              : FailureReason.Internal,
          pid,
          facts(init),
          outcome.result().text() + ": " + String.join("; ", outcome.notes()));
    }
    String detail =
        kind == Kind.WOULD_CHANGE ? String.join("; ", outcome.changes()) : outcome.result().text();
    boolean changedOrWould = kind == Kind.ISOLATED || kind == Kind.WOULD_CHANGE;
    return EngineOutcome.of(
        kind, pid, reading == ViewReading.READ || changedOrWould ? facts(init) : null, detail);
  }

  @Override
  public EngineOutcome revert(ProcessIdentity init, String podUid) {
    Long pid = (long) init.pid();
    Optional<EngineOutcome> foreign = inAnotherPod(init, podUid, pid);
    if (foreign.isPresent()) {
      return foreign.get();
    }
    IsolationOutcome outcome;
    try {
      outcome = isolator.revert(init, false);
    } catch (RuntimeException e) {
      return failure(e, pid, true);
    }
    return switch (outcome.result()) {
      case REVERTED -> EngineOutcome.of(Kind.REVERTED, pid, facts(init), outcome.result().text());
      case NOTHING_TO_REVERT ->
          EngineOutcome.of(Kind.NOTHING_TO_REVERT, pid, null, outcome.result().text());
      default ->
          EngineOutcome.failed(
              FailureReason.RevertFailed,
              pid,
              null,
              outcome.result().text() + ": " + String.join("; ", outcome.notes()));
    };
  }

  /**
   * A refusal when the kernel does not show the container in the given pod's cgroup. The container
   * ID came from pod status, which anyone allowed to patch pods/status can set: it could name
   * another pod's container (a monitoring DaemonSet's, say), which would then be changed against
   * that pod's protection rules. The pod UID in the container's own cgroup path is the kernel's
   * word for which pod it belongs to.
   */
  private Optional<EngineOutcome> inAnotherPod(ProcessIdentity init, String podUid, Long pid) {
    Optional<String> kernelPodUid;
    try {
      kernelPodUid = finder.containerOf(init.pid()).flatMap(ContainerCgroup::podUid);
    } catch (RuntimeException e) {
      return Optional.of(failure(e, pid, false));
    }
    if (kernelPodUid.isPresent() && kernelPodUid.get().equals(podUid)) {
      return Optional.empty();
    }
    return Optional.of(
        EngineOutcome.failed(
            FailureReason.Refused,
            pid,
            null,
            "the container's cgroup path names "
                + kernelPodUid.map(u -> "pod " + u).orElse("no pod")
                + ", not this pod ("
                + podUid
                + "): the container ID in the pod status is another pod's; nothing changed"));
  }

  /** What the container sees now; unknown (and logged) when it cannot be read. */
  private ContainerFacts facts(ProcessIdentity init) {
    try {
      ContainerInspection inspection = inspector.inspect(init);
      return new ContainerFacts(
          inspection.cgroupVersion(),
          ApiViewMapper.groupByPath(inspection.hostCgroups()),
          ApiViewMapper.toView(inspection),
          inspection.namespace(),
          inspection.mountState());
    } catch (RuntimeException e) {
      LOG.debug("could not inspect {} after acting on it: {}", init, e.toString());
      return ContainerFacts.unknown();
    }
  }

  /** Maps the engine's exceptions to a closed set of reasons. */
  static EngineOutcome failure(RuntimeException e, Long pid, boolean reverting) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    FailureReason reason;
    if (e instanceof ProcessVanishedException) {
      reason = FailureReason.ContainerVanished;
    } else if (e instanceof ContainerBusyException) {
      reason = FailureReason.ContainerBusy;
    } else if (e instanceof CgroupPathException) {
      reason = FailureReason.Refused;
    } else if (e instanceof MountTableTooLargeException) {
      reason = FailureReason.MountTableTooLarge;
    } else if (e instanceof IsolationFailedException
        || e instanceof KernelException
        || e instanceof NamespaceThreadTimeoutException) {
      reason = reverting ? FailureReason.RevertFailed : FailureReason.MountFailed;
    } else {
      LOG.error("unexpected engine failure", e);
      reason = FailureReason.Internal;
    }
    return EngineOutcome.failed(reason, pid, null, message);
  }
}

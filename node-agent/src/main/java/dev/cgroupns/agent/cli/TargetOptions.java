package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.discovery.ContainerCgroup;
import dev.cgroupns.agent.discovery.ContainerProcessFinder;
import dev.cgroupns.agent.inspect.PidReusedException;
import dev.cgroupns.agent.inspect.TargetProcess;
import dev.cgroupns.agent.isolate.StateStore;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every container command shares, and the checks they imply. */
public class TargetOptions {
  @Option(
      names = "--pid",
      required = true,
      description = "PID of a process of the container (its init, usually), as the host sees it.")
  int pid;

  @Option(
      names = "--start-time",
      description =
          "Expected start time of that PID (field 22 of /proc/PID/stat); refuse if it differs.")
  Long startTime;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Option(
      names = "--proc-root",
      defaultValue = "/proc",
      description = "Where the host's procfs is mounted (default: ${DEFAULT-VALUE}).")
  Path procRoot;

  @Option(
      names = "--cgroup-root",
      defaultValue = "/sys/fs/cgroup",
      description = "Where the host's cgroup hierarchies are mounted (default: ${DEFAULT-VALUE}).")
  Path cgroupRoot;

  @Option(
      names = "--state-dir",
      defaultValue = "/run/cgroup-isolation",
      description = "Revert records and locks (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--reference-pid",
      description =
          "A process in the host's cgroup namespace, to tell private namespaces from the host's"
              + " (default: this process).")
  Integer referencePid;

  @Option(
      names = "--any-process",
      description = "Act even if the process's cgroup path names no container.")
  boolean anyProcess;

  ProcFs procFs() {
    return new ProcFs(procRoot);
  }

  CgroupLayout layout() {
    return CgroupLayout.detect(procFs(), cgroupRoot);
  }

  StateStore store() {
    return new StateStore(stateDir);
  }

  int referencePid() {
    return referencePid != null ? referencePid : (int) ProcessHandle.current().pid();
  }

  /**
   * The target's identity, checked: the process exists, has the expected start time, and (unless
   * --any-process) belongs to a container.
   */
  Target resolve() {
    ProcFs procFs = procFs();
    ProcessIdentity identity = TargetProcess.current(procFs, pid);
    if (startTime != null && startTime != identity.startTime()) {
      throw new PidReusedException(new ProcessIdentity(pid, startTime), identity);
    }
    Optional<ContainerCgroup> container = new ContainerProcessFinder(procFs).containerOf(pid);
    if (container.isEmpty() && !anyProcess) {
      throw new NotAContainerException(pid);
    }
    return new Target(identity, container);
  }

  /** A checked target. */
  record Target(ProcessIdentity identity, Optional<ContainerCgroup> container) {}
}

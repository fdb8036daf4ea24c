package dev.cgroupns.agent.inspect;

import dev.cgroupns.agent.kernel.Descriptors;
import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.kernel.Linux;
import dev.cgroupns.agent.kernel.NamespaceThread;
import dev.cgroupns.agent.proc.MountInfo;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcCgroup;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads what a container sees: its /proc/PID/cgroup and /proc/PID/mountinfo rendered for its own
 * cgroup namespace. Both files render cgroup paths relative to the cgroup namespace of the thread
 * that reads them, so they are read from a dedicated thread that has joined the container's cgroup
 * namespace (setns does not move the thread into any cgroup). The namespace fd and the two proc fds
 * are opened on the caller's side first; the thread only calls setns and read.
 */
public final class ContainerInspector {
  private final ProcFs procFs;
  private final int referencePid;
  private final Duration timeout;

  /**
   * @param referencePid a process in the host's cgroup namespace: the agent itself by default; in a
   *     DaemonSet whose agent has a private cgroup namespace, a configured host process
   */
  public ContainerInspector(ProcFs procFs, int referencePid, Duration timeout) {
    this.procFs = procFs;
    this.referencePid = referencePid;
    this.timeout = timeout;
  }

  /** Compares namespaces with the agent's own. */
  public static ContainerInspector comparingWithSelf(ProcFs procFs) {
    return new ContainerInspector(
        procFs, (int) ProcessHandle.current().pid(), Duration.ofSeconds(10));
  }

  public ProcFs procFs() {
    return procFs;
  }

  public ContainerInspection inspect(ProcessIdentity target) {
    TargetProcess.verify(procFs, target);
    ProcCgroup hostCgroups = procFs.cgroups(target.pid());
    NamespaceReading seen = readInContainerNamespace(target);
    Optional<Long> inode = procFs.namespaceInode(target.pid(), "cgroup");
    Optional<Long> reference = procFs.namespaceInode(referencePid, "cgroup");
    TargetProcess.verify(procFs, target);
    return ViewAnalyzer.analyze(
        target,
        CgroupNamespace.of(inode, reference),
        inode.orElse(0L),
        seen.cgroup().lines(),
        hostCgroups.lines(),
        seen.mountInfo().entries());
  }

  /** The two files as the container's cgroup namespace renders them (its cgroupfs mounts only). */
  public record NamespaceReading(ProcCgroup cgroup, MountInfo mountInfo) {}

  /**
   * Reads /proc/PID/cgroup and /proc/PID/mountinfo as the container itself would. The fds belong to
   * the namespace thread, which closes them when it ends: if it is abandoned (blocked past the
   * timeout), they stay open until then, so it can never read a file that reused their numbers.
   */
  public NamespaceReading readInContainerNamespace(ProcessIdentity target) {
    try (NamespaceThread.Reserved thread =
        NamespaceThread.reserve("inspect-" + target.pid(), List.of())) {
      Descriptors fds = thread.descriptors();
      int ns = fds.keep(TargetProcess.open(procFs, target, "ns/cgroup"));
      int cgroup = fds.keep(TargetProcess.open(procFs, target, "cgroup"));
      int mountInfo = fds.keep(TargetProcess.open(procFs, target, "mountinfo"));
      TargetProcess.verify(procFs, target);
      return thread.run(
          timeout,
          () -> {
            Kernel.setns(ns, Linux.CLONE_NEWCGROUP);
            // mountinfo is parsed while it is read, keeping the cgroupfs mounts only (all that
            // the analysis reads): its size is the container's choice.
            return new NamespaceReading(
                ProcCgroupParser.parse(
                    new String(
                        Kernel.readAll(cgroup, "cgroup", ProcFs.MAX_CGROUP_BYTES),
                        StandardCharsets.UTF_8)),
                MountInfoParser.readCgroupMounts(Kernel.inputStream(mountInfo, "mountinfo")));
          });
    } catch (dev.cgroupns.agent.kernel.KernelException e) {
      TargetProcess.verify(procFs, target); // an exited process reads as an error: say so
      throw e;
    }
  }
}

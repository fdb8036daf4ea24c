package dev.cgroupns.agent.discovery;

import dev.cgroupns.agent.proc.ProcCgroup;
import dev.cgroupns.agent.proc.ProcessIdentity;

/**
 * A container's init process: the oldest process in the container's cgroup.
 *
 * @param init its identity (pid, start time)
 * @param cgroup the container recognised in its cgroup path
 * @param cgroups its /proc/PID/cgroup, as the agent read it while confirming the identity
 */
public record ContainerProcess(ProcessIdentity init, ContainerCgroup cgroup, ProcCgroup cgroups) {}

package dev.cgroupns.sandbox.runc;

/**
 * A running demo container.
 *
 * @param name runc's name for it (private to the sandbox's runc root)
 * @param containerId the 64-hex ID its cgroup leaf and the Pod's containerStatuses carry
 * @param podUid the UID of the Pod object it stands for
 * @param cgroupsPath its cgroup, the same in every hierarchy
 * @param pid its init process on the host
 */
public record DemoContainer(
    String name, String containerId, String podUid, String cgroupsPath, int pid) {}

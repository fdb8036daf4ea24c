package dev.cgroupns.agent.cgroup;

/**
 * A cgroup path was refused: it is malformed, contains '..' or control characters, or lies outside
 * the mount it should be reached through. Paths come from the kernel and are still checked, because
 * a container with a writable cgroupfs chooses the names of its sub-cgroups.
 */
public class CgroupPathException extends IllegalArgumentException {
  public CgroupPathException(String message) {
    super(message);
  }
}

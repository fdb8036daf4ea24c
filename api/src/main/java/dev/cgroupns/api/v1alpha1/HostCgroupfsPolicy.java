package dev.cgroupns.api.v1alpha1;

/**
 * What to do with pods that mount the host's cgroupfs on purpose (a hostPath volume of
 * /sys/fs/cgroup, as monitoring agents do). Isolating them would blind them, so they are skipped
 * unless a CgroupIsolation says otherwise.
 */
public enum HostCgroupfsPolicy {
  Skip,
  Include
}

/**
 * The node's cgroup hierarchies and their mounts as the agent sees them ({@link
 * dev.cgroupns.agent.cgroup.CgroupLayout}), and the translation of cgroup paths between the host
 * and a cgroup namespace ({@link dev.cgroupns.agent.cgroup.NamespacePaths}), following the kernel's
 * own rendering.
 */
package dev.cgroupns.agent.cgroup;

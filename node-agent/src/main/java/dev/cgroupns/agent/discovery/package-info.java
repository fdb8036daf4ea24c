/**
 * Finding containers on the node: recognising kubelet and runtime cgroup names, validating the IDs
 * that arrive from the API, and locating each container's init process in /proc.
 */
package dev.cgroupns.agent.discovery;

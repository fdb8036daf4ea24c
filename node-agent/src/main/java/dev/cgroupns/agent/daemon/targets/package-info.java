/**
 * Which containers a pass acts on, decided without I/O: the operator's pod list checked against the
 * agent's own view of its node's pods (same namespace, same node, same UID), container IDs
 * validated, protected pods left alone, and what is no longer targeted set apart for reverting.
 */
package dev.cgroupns.agent.daemon.targets;

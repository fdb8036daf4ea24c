/**
 * Kubernetes Events on the pods the agent acts on, without I/O: which results are transitions worth
 * an Event (isolated, failed, reverted, drift repaired), and the per-node budget that bounds how
 * many reach the API. The writer is in {@code daemon.api}.
 */
package dev.cgroupns.agent.daemon.events;

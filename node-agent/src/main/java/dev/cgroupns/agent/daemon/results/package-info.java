/**
 * From engine outcomes to a node object's status, without I/O: one result per container, short
 * messages, transition times that move only with the phase, counters, and the comparison that
 * spares a write when nothing changed.
 */
package dev.cgroupns.agent.daemon.results;

/**
 * Reading /proc: pure parsers of mountinfo, cgroup and stat files, and {@link
 * dev.cgroupns.agent.proc.ProcFs}, the only class that touches /proc. Parsers never trust their
 * input: malformed lines are skipped and reported, never thrown at the caller, and reads are
 * bounded.
 */
package dev.cgroupns.agent.proc;

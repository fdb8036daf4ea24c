/** Liveness, readiness and Prometheus metrics of the daemon, on the JDK's HTTP server. */
package dev.cgroupns.agent.daemon.ops;

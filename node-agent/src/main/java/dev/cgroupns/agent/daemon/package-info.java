/**
 * The node agent's daemon mode ({@code node-agent run}): one agent per node watches its node's pods
 * and CgroupIsolationNode objects, acts on the containers through the kernel engine, and writes one
 * status per object per pass.
 *
 * <p>Sub-packages: {@code targets} (pure: instructions plus the agent's pod cache to the containers
 * to act on), {@code results} (pure: engine outcomes to the status), {@code engine} (the port onto
 * the kernel engine and its adapter), {@code api} (watches and status writes) and {@code ops}
 * (probes and metrics).
 */
package dev.cgroupns.agent.daemon;

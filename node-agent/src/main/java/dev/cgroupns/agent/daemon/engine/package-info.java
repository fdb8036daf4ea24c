/**
 * The daemon's port onto the kernel engine ({@link
 * dev.cgroupns.agent.daemon.engine.ContainerEngine}) and its adapter to the isolate and inspect
 * packages. Outcomes, not exceptions, cross the port, with failure reasons from a closed set.
 */
package dev.cgroupns.agent.daemon.engine;

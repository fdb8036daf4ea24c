/**
 * The daemon's Kubernetes API traffic: two watches narrowed to its node on the server side, and
 * status patches retried with backoff.
 */
package dev.cgroupns.agent.daemon.api;

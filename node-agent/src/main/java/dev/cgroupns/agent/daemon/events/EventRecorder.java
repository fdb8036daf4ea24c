package dev.cgroupns.agent.daemon.events;

/**
 * Where the agent's Events go. Implementations never throw and never block the caller on the API:
 * an Event is a courtesy to the people reading {@code kubectl describe pod}, never part of the work
 * (the node object's status is the record).
 */
public interface EventRecorder {
  void record(ContainerEvent event);
}

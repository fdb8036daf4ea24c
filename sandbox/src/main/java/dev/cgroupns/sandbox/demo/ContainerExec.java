package dev.cgroupns.sandbox.demo;

/**
 * Runs a command inside one container (its mount namespace, its cgroups) and returns what it
 * printed: {@code runc exec} for the sandbox's own containers, {@code kubectl exec} for kubelet
 * pods.
 */
@FunctionalInterface
public interface ContainerExec {

  /**
   * @throws IllegalStateException when the command cannot run or fails, with its output
   */
  String run(String... command);
}

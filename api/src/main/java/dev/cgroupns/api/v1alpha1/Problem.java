package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One thing that went wrong, where it went wrong, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Problem {
  public String node;
  public String pod;
  public String container;

  /** CamelCase, machine-readable: AgentNotReporting, ContainerVanished, MountFailed, ... */
  @Required public String reason;

  @Size(max = 1024)
  public String message;

  public Problem() {}

  public Problem(String node, String pod, String container, String reason, String message) {
    this.node = node;
    this.pod = pod;
    this.container = container;
    this.reason = reason;
    this.message = message;
  }
}

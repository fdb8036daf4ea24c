package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** The agent's result for one container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContainerResult {
  @Required
  @Size(max = 253)
  public String pod;

  public String podUID;

  @Required
  @Size(max = 63)
  public String container;

  /** As the pod status gives it: containerd://, cri-o:// or docker:// and 64 hex digits. */
  @Size(max = 80)
  public String containerID;

  /** The container's init process on the node (host PID namespace). */
  public Long pid;

  public CgroupVersion cgroupVersion;

  /** The container's cgroup on the host, relative to the host's cgroup root. */
  @Size(max = 16)
  public List<CgroupPaths> hostCgroupPaths = new ArrayList<>();

  /** What the container sees from inside. */
  public ContainerView view;

  /** True when the container has a cgroup namespace of its own. */
  public Boolean privateNamespace;

  public MountState mountState;

  /** How an Isolated container was isolated; absent in other phases. */
  public IsolatedBy isolatedBy;

  @Required public ContainerPhase phase;

  /** One short sentence; the agent keeps it short so a full node's status stays small. */
  @Size(max = 256)
  public String message;

  /** When phase last changed (RFC 3339). */
  public String lastTransitionTime;
}

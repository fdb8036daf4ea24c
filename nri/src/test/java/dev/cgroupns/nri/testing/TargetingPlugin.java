package dev.cgroupns.nri.testing;

import dev.cgroupns.nri.EventMask;
import dev.cgroupns.nri.Plugin;
import dev.cgroupns.nri.Removals;
import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.ContainerAdjustment;
import dev.cgroupns.nri.api.ContainerUpdate;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.Event;
import dev.cgroupns.nri.api.KeyValue;
import dev.cgroupns.nri.api.LinuxContainerAdjustment;
import dev.cgroupns.nri.api.LinuxNamespace;
import dev.cgroupns.nri.api.Mount;
import dev.cgroupns.nri.api.PodSandbox;
import dev.cgroupns.nri.ttrpc.RpcException;
import dev.cgroupns.nri.ttrpc.RpcStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tests' plugin, chosen by container name: "target" gets a cgroup namespace and its
 * /sys/fs/cgroup mount replaced by a read-only one; "big" gets an adjustment of many environment
 * variables (a large answer); "huge" an answer over ttrpc's 4 MiB limit; "refused" is refused with
 * an error; any other is left alone. It records what it was told in {@link #seen}.
 */
public final class TargetingPlugin implements Plugin {

  public static final EventMask EVENTS =
      EventMask.of(Event.CREATE_CONTAINER, Event.REMOVE_CONTAINER);

  /** How many variables the "big" adjustment sets. */
  public static final int BIG_ENV = 500;

  public final List<String> seen = new CopyOnWriteArrayList<>();

  @Override
  public EventMask configure(ConfigureRequest request) {
    seen.add("configure " + request.getRuntimeName() + " " + request.getRequestTimeout());
    return EVENTS;
  }

  @Override
  public List<ContainerUpdate> synchronize(List<PodSandbox> pods, List<Container> containers) {
    seen.add("synchronize " + pods.size() + " pods, " + containers.size() + " containers");
    return List.of();
  }

  @Override
  public CreateContainerResponse createContainer(PodSandbox pod, Container container)
      throws RpcException {
    seen.add("create " + container.getName());
    return switch (container.getName()) {
      case "target" -> CreateContainerResponse.newBuilder().setAdjust(isolation()).build();
      case "big" -> CreateContainerResponse.newBuilder().setAdjust(manyVariables(BIG_ENV)).build();
      case "huge" -> CreateContainerResponse.newBuilder().setAdjust(manyVariables(150_000)).build();
      case "refused" -> throw new RpcException(RpcStatus.FAILED_PRECONDITION, "refused on purpose");
      default -> CreateContainerResponse.getDefaultInstance();
    };
  }

  @Override
  public void removeContainer(PodSandbox pod, Container container) {
    seen.add("removed " + container.getId());
  }

  private static ContainerAdjustment isolation() {
    return ContainerAdjustment.newBuilder()
        .addMounts(Removals.mount("/sys/fs/cgroup"))
        .addMounts(
            Mount.newBuilder()
                .setDestination("/sys/fs/cgroup")
                .setType("cgroup")
                .setSource("cgroup")
                .addOptions("ro"))
        .setLinux(
            LinuxContainerAdjustment.newBuilder()
                .addNamespaces(LinuxNamespace.newBuilder().setType("cgroup")))
        .build();
  }

  private static ContainerAdjustment manyVariables(int count) {
    ContainerAdjustment.Builder adjust = ContainerAdjustment.newBuilder();
    for (int i = 0; i < count; i++) {
      adjust.addEnv(KeyValue.newBuilder().setKey("ADDED_" + i).setValue("x".repeat(30)));
    }
    return adjust.build();
  }
}

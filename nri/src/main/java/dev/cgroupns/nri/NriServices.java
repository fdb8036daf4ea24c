package dev.cgroupns.nri;

import dev.cgroupns.nri.api.Api;

/** The ttrpc names of NRI's two services and their methods, as the runtime routes them. */
public final class NriServices {

  /** The service the plugin serves on connection 1: "nri.pkg.api.v1alpha1.Plugin". */
  public static final String PLUGIN = fullName("Plugin");

  /** The service the runtime serves on connection 2: "nri.pkg.api.v1alpha1.Runtime". */
  public static final String RUNTIME = fullName("Runtime");

  public static final String REGISTER_PLUGIN = "RegisterPlugin";
  public static final String UPDATE_CONTAINERS = "UpdateContainers";

  public static final String CONFIGURE = "Configure";
  public static final String SYNCHRONIZE = "Synchronize";
  public static final String SHUTDOWN = "Shutdown";
  public static final String CREATE_CONTAINER = "CreateContainer";
  public static final String UPDATE_CONTAINER = "UpdateContainer";
  public static final String STOP_CONTAINER = "StopContainer";
  public static final String UPDATE_POD_SANDBOX = "UpdatePodSandbox";
  public static final String STATE_CHANGE = "StateChange";
  public static final String VALIDATE_CONTAINER_ADJUSTMENT = "ValidateContainerAdjustment";

  private NriServices() {}

  // From the generated descriptor, so the names follow the .proto file and cannot be mistyped.
  private static String fullName(String service) {
    return Api.getDescriptor().findServiceByName(service).getFullName();
  }
}

package dev.cgroupns.e2e.faults;

/** Path patterns of the writes the fault tests break (see the endpoint's PathPattern). */
final class ApiPaths {

  private static final String GROUP_VERSION = "/apis/cgroupns.dev/v1alpha1/namespaces/*/";

  /** The operator creates per-node objects here (POST). */
  static final String NODE_OBJECTS = GROUP_VERSION + "cgroupisolationnodes";

  /** The agent writes a per-node object's status here (PATCH). */
  static final String NODE_OBJECT_STATUS = GROUP_VERSION + "cgroupisolationnodes/*/status";

  /** The operator writes a CgroupIsolation's status here (PATCH). */
  static final String ISOLATION_STATUS = GROUP_VERSION + "cgroupisolations/*/status";

  private ApiPaths() {}
}

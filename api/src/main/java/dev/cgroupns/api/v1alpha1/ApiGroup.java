package dev.cgroupns.api.v1alpha1;

/** Names shared by every component that talks about this API. */
public final class ApiGroup {
  public static final String GROUP = "cgroupns.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /**
   * Label on a CgroupIsolationNode naming the node its agent runs on (agents select by it); its
   * value is {@link LabelValues#ofName} of the node name.
   */
  public static final String NODE_LABEL = GROUP + "/node";

  /**
   * Label on a CgroupIsolationNode naming the CgroupIsolation it belongs to; its value is {@link
   * LabelValues#ofName} of the CgroupIsolation's name.
   */
  public static final String ISOLATION_LABEL = GROUP + "/isolation";

  /** Pod annotation that opts a pod out of every CgroupIsolation, whatever selects it. */
  public static final String OPT_OUT_ANNOTATION = GROUP + "/opt-out";

  private ApiGroup() {}
}

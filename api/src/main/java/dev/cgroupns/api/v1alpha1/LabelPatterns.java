package dev.cgroupns.api.v1alpha1;

/**
 * Regular expressions for label keys and values, written once so that the schema patterns and the
 * CEL rules on label maps cannot disagree; public so the operator validates with the same ones.
 */
public final class LabelPatterns {
  /** An optional DNS-subdomain prefix and a name of at most 63 characters. */
  public static final String KEY =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  /** Empty, or alphanumerics with '-', '_' and '.' inside. */
  public static final String VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";

  /** A container name: a DNS label. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

  private LabelPatterns() {}
}

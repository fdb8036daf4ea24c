package dev.cgroupns.testbed.node;

/**
 * What containerd's built-in NRI validator (the NRI module's default validator) lets plugins adjust
 * on a test node.
 */
public enum NriValidation {
  /** No validator: containerd takes every plugin's adjustment (containerd's default). */
  NONE,

  /**
   * The default validator on, rejecting any adjustment of a Linux namespace: containerd fails the
   * creation of a container a plugin gave a namespace, as a cluster that forbids it does.
   */
  REJECT_NAMESPACE_ADJUSTMENT;

  /**
   * The TOML of containerd's NRI plugin section (io.containerd.nri.v1.nri) for this, indented as a
   * sub-table of it; empty for NONE. Keys as containerd 2.2's NRI configuration declares them:
   * {@code default_validator}, with the validator's own {@code enable} and {@code
   * reject_namespace_adjustment}.
   */
  String toml() {
    return switch (this) {
      case NONE -> "";
      case REJECT_NAMESPACE_ADJUSTMENT ->
          """
            [plugins.'io.containerd.nri.v1.nri'.default_validator]
              enable = true
              reject_namespace_adjustment = true
          """;
    };
  }
}

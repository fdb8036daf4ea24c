package dev.cgroupns.operator.validation;

/**
 * One reason a CgroupIsolation cannot be applied, with a message written for the person who wrote
 * the resource (it ends up in the Stalled condition and a Warning event).
 */
public record Violation(Kind kind, String message) {

  /** Why the resource is refused; each kind is a CamelCase condition reason. */
  public enum Kind {
    /** The spec breaks a rule the CRD schema states (admission may have been bypassed). */
    InvalidSpec,
    /** The spec asks for read-write mounts and the cluster setting does not permit them. */
    ReadWriteNotPermitted,
    /** The resource lives in a namespace the operator never acts in. */
    NamespaceNotAllowed
  }

  static Violation invalid(String message) {
    return new Violation(Kind.InvalidSpec, message);
  }
}

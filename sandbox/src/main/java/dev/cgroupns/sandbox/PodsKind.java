package dev.cgroupns.sandbox;

import java.util.Locale;

/** What runs the sandbox's demo pods ({@code --pods-kind}). */
public enum PodsKind {
  /** Real kubelet pods when this machine can run a node, runc containers otherwise. */
  AUTO,
  /**
   * A real node of the sandbox's control plane: the kubelet and containerd, built from their
   * official modules, run the pods with Debian's runc, as on a cluster.
   */
  KUBELET,
  /**
   * runc containers the sandbox starts itself, in cgroups named as the kubelet names them, with Pod
   * objects it writes for them: no node software needed, and usable against another cluster.
   */
  RUNC;

  /** As typed on the command line: {@code auto}, {@code kubelet}, {@code runc}. */
  public String option() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #option()}; picocli calls it for {@code --pods-kind}. */
  public static PodsKind parse(String text) {
    for (PodsKind kind : values()) {
      if (kind.option().equals(text)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "--pods-kind must be auto, kubelet or runc, not '" + text + "'");
  }
}

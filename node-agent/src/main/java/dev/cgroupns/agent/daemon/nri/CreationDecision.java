package dev.cgroupns.agent.daemon.nri;

import dev.cgroupns.agent.daemon.nri.CreatingContainer.OciMount;
import dev.cgroupns.agent.daemon.targets.Protection;
import dev.cgroupns.api.selection.HostCgroupfsPaths;
import dev.cgroupns.api.selection.PodSelectorMatcher;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.NodeAction;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, while the runtime creates a container, whether it is born isolated: in a cgroup
 * namespace of its own, with its cgroupfs mounts rooted there and read-only as asked. Pure: it
 * reads only the runtime's request and the agent's cached node objects, so it answers in
 * microseconds and never waits for the API server.
 *
 * <p>A container is targeted when a node object for this node, in the pod's namespace, with action
 * Apply, lists the pod's UID or has a pod selector that its labels match, and does not narrow its
 * containers to others. The agent's {@link Protection} rules come first, whatever the objects say.
 * Several objects may claim a container: one in Enforce mode is enough to adjust it, and it is
 * read-only unless every enforcing claim allows read-write (as the remount path decides).
 *
 * <p>A bind of the host's /sys/fs/cgroup (a hostPath volume) is replaced with a cgroupfs mount,
 * because a cgroup namespace does not re-root a bind, but only when a claiming isolation includes
 * such pods. A bind of a directory above or below it cannot be replaced by one mount without hiding
 * or changing what the pod asked for, so such a container is left to the remount path.
 */
public final class CreationDecision {
  /** The options of a replacement cgroupfs mount, as runtimes mount their own. */
  private static final List<String> CGROUPFS_OPTIONS =
      List.of("nosuid", "noexec", "nodev", "relatime");

  private final String nodeName;
  private final Protection protection;

  public CreationDecision(String nodeName, Protection protection) {
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.protection = Objects.requireNonNull(protection, "protection");
  }

  /** What to do with {@code container}, given the node objects the agent has cached. */
  public Outcome decide(CreatingContainer container, Collection<CgroupIsolationNode> objects) {
    Optional<String> protect = protection.leaveAlone(metadata(container));
    if (protect.isPresent()) {
      return Outcome.leave(protect.get());
    }
    List<CgroupIsolationNode> claims =
        objects.stream().filter(object -> claims(object, container)).toList();
    if (claims.isEmpty()) {
      return Outcome.leave("no isolation selects this container");
    }
    List<OciMount> hostBinds =
        container.mounts().stream()
            .filter(OciMount::isBind)
            .filter(m -> HostCgroupfsPaths.exposesHostCgroupfs(m.source()))
            .toList();
    if (!hostBinds.isEmpty()) {
      claims =
          claims.stream()
              .filter(o -> o.getSpec().hostCgroupfsPods == HostCgroupfsPolicy.Include)
              .toList();
      if (claims.isEmpty()) {
        return Outcome.leave(
            "it mounts the host cgroupfs, and no isolation that selects it includes such pods");
      }
      Optional<OciMount> irreplaceable =
          hostBinds.stream().filter(m -> !HostCgroupfsPaths.isHostCgroupfs(m.source())).findFirst();
      if (irreplaceable.isPresent()) {
        return Outcome.leave(
            "it mounts "
                + irreplaceable.get().source()
                + " of the host, which a cgroupfs mount cannot replace; left to remounting");
      }
    }
    List<CgroupIsolationNode> enforcing =
        claims.stream().filter(o -> o.getSpec().mode != IsolationMode.Audit).toList();
    boolean readOnly =
        (enforcing.isEmpty() ? claims : enforcing).stream().anyMatch(o -> readOnly(o.getSpec()));
    Adjustment adjustment = adjustment(container, readOnly);
    List<String> keys =
        (enforcing.isEmpty() ? claims : enforcing).stream().map(CreationDecision::key).toList();
    return enforcing.isEmpty()
        ? new Outcome(Kind.WOULD_ADJUST, adjustment, keys, adjustment.describe())
        : new Outcome(Kind.ADJUST, adjustment, keys, adjustment.describe());
  }

  private boolean claims(CgroupIsolationNode object, CreatingContainer container) {
    CgroupIsolationNodeSpec spec = object.getSpec();
    if (spec == null
        || object.getMetadata() == null
        || !nodeName.equals(spec.nodeName)
        || !Objects.equals(object.getMetadata().getNamespace(), container.namespace())
        || (spec.action != null && spec.action != NodeAction.Apply)) {
      return false;
    }
    if (spec.containers != null
        && !spec.containers.isEmpty()
        && !spec.containers.contains(container.containerName())) {
      return false;
    }
    boolean listed =
        spec.pods != null
            && spec.pods.stream().anyMatch(p -> Objects.equals(p.uid, container.podUid()));
    // No selector (an object written before node objects carried one) selects nothing at creation;
    // the pods the operator listed are still known by their UID.
    return listed
        || (spec.podSelector != null
            && PodSelectorMatcher.matches(spec.podSelector, container.labels()));
  }

  private static boolean readOnly(CgroupIsolationNodeSpec spec) {
    return !Boolean.FALSE.equals(spec.readOnly);
  }

  /**
   * A cgroup namespace; every cgroupfs mount with the asked access; every bind of the host's
   * cgroupfs replaced with a cgroupfs mount of the type the runtime uses for its own ("cgroup"
   * unless the container has a cgroup2 mount: runc and crun mount type "cgroup" as cgroup2 on a
   * cgroup v2 host, and as a tmpfs with one mount per hierarchy on v1 and hybrid hosts).
   */
  static Adjustment adjustment(CreatingContainer container, boolean readOnly) {
    String type =
        container.mounts().stream()
            .filter(OciMount::isCgroupfs)
            .map(OciMount::type)
            .findFirst()
            .orElse("cgroup");
    List<String> removed = new ArrayList<>();
    List<OciMount> added = new ArrayList<>();
    for (OciMount mount : container.mounts()) {
      if (mount.isCgroupfs() && mount.readOnly() != readOnly) {
        removed.add(mount.destination());
        added.add(
            new OciMount(
                mount.destination(),
                mount.type(),
                mount.source(),
                access(mount.options(), readOnly)));
      } else if (mount.isBind() && HostCgroupfsPaths.isHostCgroupfs(mount.source())) {
        removed.add(mount.destination());
        added.add(
            new OciMount(mount.destination(), type, "cgroup", access(CGROUPFS_OPTIONS, readOnly)));
      }
    }
    return new Adjustment(true, removed, added, readOnly);
  }

  /** The options with "ro" or "rw" as asked, in place of whichever they had. */
  private static List<String> access(List<String> options, boolean readOnly) {
    List<String> result = new ArrayList<>();
    for (String option : options) {
      if (!option.equals("ro") && !option.equals("rw")) {
        result.add(option);
      }
    }
    result.add(readOnly ? "ro" : "rw");
    return result;
  }

  private static ObjectMeta metadata(CreatingContainer container) {
    return new ObjectMetaBuilder()
        .withNamespace(container.namespace())
        .withName(container.podName())
        .withUid(container.podUid())
        .withLabels(container.labels())
        .withAnnotations(container.annotations())
        .build();
  }

  /** The namespace/name key of a node object, as the watches' cache keys it. */
  static String key(CgroupIsolationNode object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  /** What the decision came to. */
  public enum Kind {
    /** Leave the container as the runtime makes it. */
    LEAVE,
    /** Audit: the adjustment an enforcing isolation would make; nothing is adjusted. */
    WOULD_ADJUST,
    /** Adjust it. */
    ADJUST
  }

  /**
   * @param kind what to do
   * @param adjustment the adjustment (made or, in Audit, only described); null with LEAVE
   * @param objects the namespace/name keys of the node objects it is for (enforcing ones when any)
   * @param reason one sentence for logs and status
   */
  public record Outcome(Kind kind, Adjustment adjustment, List<String> objects, String reason) {
    static Outcome leave(String reason) {
      return new Outcome(Kind.LEAVE, null, List.of(), reason);
    }
  }

  /**
   * A container adjustment in runtime terms.
   *
   * @param cgroupNamespace whether to give the container a cgroup namespace of its own
   * @param removedMounts destinations whose mount is taken out (and replaced by one in added)
   * @param addedMounts mounts put in
   * @param readOnly the access its cgroupfs mounts get
   */
  public record Adjustment(
      boolean cgroupNamespace,
      List<String> removedMounts,
      List<OciMount> addedMounts,
      boolean readOnly) {
    public Adjustment {
      removedMounts = List.copyOf(removedMounts);
      addedMounts = List.copyOf(addedMounts);
    }

    String describe() {
      StringBuilder text = new StringBuilder("a cgroup namespace of its own");
      for (OciMount mount : addedMounts) {
        text.append(", ")
            .append(mount.type())
            .append(" at ")
            .append(mount.destination())
            .append(readOnly ? " read-only" : " read-write");
      }
      return text.toString();
    }
  }
}

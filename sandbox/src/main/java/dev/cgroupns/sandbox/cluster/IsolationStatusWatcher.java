package dev.cgroupns.sandbox.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Follows a CgroupIsolation's status until its Ready condition is True for the current spec. */
public final class IsolationStatusWatcher {

  public static final ResourceDefinitionContext CGROUP_ISOLATION =
      new ResourceDefinitionContext.Builder()
          .withGroup("cgroupns.dev")
          .withVersion("v1alpha1")
          .withPlural("cgroupisolations")
          .withKind("CgroupIsolation")
          .withNamespaced(true)
          .build();

  private static final Duration POLL = Duration.ofMillis(250);

  private final KubernetesClient client;

  public IsolationStatusWatcher(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Polls until Ready=True with observedGeneration at the object's generation, reporting every
   * change of the one-line summary.
   *
   * @param giveUp checked on every poll; true ends the wait early
   * @return true when Ready, false on timeout or when given up
   */
  public boolean awaitReady(
      String namespace,
      String name,
      Duration timeout,
      Consumer<String> onChange,
      BooleanSupplier giveUp)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
      GenericKubernetesResource cgi =
          client
              .genericKubernetesResources(CGROUP_ISOLATION)
              .inNamespace(namespace)
              .withName(name)
              .get();
      String summary = cgi == null ? "not found" : summary(cgi);
      if (!summary.equals(last)) {
        onChange.accept(summary);
        last = summary;
      }
      if (cgi != null && isReady(cgi)) {
        return true;
      }
      Thread.sleep(POLL.toMillis());
    }
    return false;
  }

  /** Ready=True, for the current generation when the status reports one. */
  public static boolean isReady(GenericKubernetesResource cgi) {
    Map<String, Object> ready = readyCondition(cgi);
    if (ready == null || !"True".equals(ready.get("status"))) {
      return false;
    }
    Object observed = status(cgi).get("observedGeneration");
    Long generation = cgi.getMetadata().getGeneration();
    return observed == null
        || generation == null
        || Objects.equals(Long.valueOf(observed.toString()), generation);
  }

  /** "Ready=False (Reconciling): matched 3, isolated 1, failed 0" and the like. */
  public static String summary(GenericKubernetesResource cgi) {
    Map<String, Object> status = status(cgi);
    Map<String, Object> ready = readyCondition(cgi);
    String readiness =
        ready == null
            ? "Ready=<none yet>"
            : "Ready=" + ready.get("status") + " (" + ready.get("reason") + ")";
    return readiness
        + ": matched "
        + status.getOrDefault("matched", "-")
        + ", isolated "
        + status.getOrDefault("isolated", "-")
        + ", failed "
        + status.getOrDefault("failed", "-");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource cgi) {
    Object status = cgi.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readyCondition(GenericKubernetesResource cgi) {
    Object conditions = status(cgi).get("conditions");
    if (!(conditions instanceof List<?> list)) {
      return null;
    }
    for (Object c : list) {
      if (c instanceof Map<?, ?> m && "Ready".equals(m.get("type"))) {
        return (Map<String, Object>) m;
      }
    }
    return null;
  }
}

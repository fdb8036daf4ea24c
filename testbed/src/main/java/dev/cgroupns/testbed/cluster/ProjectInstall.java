package dev.cgroupns.testbed.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Installs the project's own manifests (manifests/base, rendered by kubectl's kustomize) into a
 * local control plane, as a user's {@code kubectl apply --server-side -k} would, but without the
 * operator Deployment and the agent DaemonSet: tests run those two themselves, with the same
 * service accounts, RBAC and admission policy that a cluster gets.
 */
public final class ProjectInstall {

  /** The workloads a test runs itself. */
  static final Set<String> WORKLOADS = Set.of("Deployment", "DaemonSet");

  public static final String SYSTEM_NAMESPACE = "cgroup-isolation-system";
  public static final String OPERATOR_ACCOUNT = "cgroup-isolation-operator";
  public static final String AGENT_ACCOUNT = "cgroup-isolation-node-agent";

  /** The user name the API server gives a ServiceAccount of the system namespace. */
  public static String userOf(String account) {
    return "system:serviceaccount:" + SYSTEM_NAMESPACE + ":" + account;
  }

  /**
   * kubectl's own field manager: a test that later runs {@code kubectl apply --server-side} on the
   * same control plane then owns the same fields and meets no conflict.
   */
  private static final String FIELD_MANAGER = "kubectl";

  private ProjectInstall() {}

  /**
   * Applies everything of {@code manifests/base} but the workloads and waits until the CRDs are
   * established.
   *
   * @return the kinds and names applied, in order
   */
  public static List<String> installBase(LocalControlPlane cluster, Path checkout) {
    Kubectl.Result kustomize =
        Kubectl.admin(cluster).run("kustomize", checkout.resolve("manifests/base").toString());
    if (!kustomize.ok()) {
      throw new IllegalStateException("kubectl kustomize manifests/base failed: " + kustomize);
    }
    String rendered = kustomize.out();
    KubernetesClient client = cluster.adminClient();
    List<String> applied = new ArrayList<>();
    List<HasMetadata> items =
        client.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items();
    for (HasMetadata item : items) {
      if (WORKLOADS.contains(item.getKind())) {
        continue;
      }
      client.resource(item).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      applied.add(item.getKind() + "/" + item.getMetadata().getName());
      if (item instanceof CustomResourceDefinition crd) {
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .waitUntilCondition(ProjectInstall::established, 60, TimeUnit.SECONDS);
      }
    }
    return applied;
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}

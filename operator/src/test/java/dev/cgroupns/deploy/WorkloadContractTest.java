package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the operator and agent code expect from the cluster, and what a platform team expects from a
 * well-behaved workload, checked on the rendered Deployment and DaemonSet of every kustomization.
 */
class WorkloadContractTest {

  static Stream<Path> kustomizations() {
    return RepositoryLayout.kustomizations().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void theOperatorRunsTwoLockedDownReplicas(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    Deployment deployment = operator(rendered);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo(RbacTableTest.OPERATOR_SA);
    rendered.get("ServiceAccount", pod.getServiceAccountName());
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isNotNull().isNotZero();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    Container c = only(pod);
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertHasRequestsAndMemoryLimit(c);
    assertProbes(c, 8080);
    assertDownwardApi(c, "POD_NAME", "metadata.name");
    assertDownwardApi(c, "POD_NAMESPACE", "metadata.namespace");
    assertThat(env(c, "CGROUP_ISOLATION_ALLOW_READ_WRITE").map(EnvVar::getValue))
        .contains(dir.endsWith("read-write-allowed") ? "true" : "false");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void aDisruptionBudgetKeepsOneOperatorReplica(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    PodDisruptionBudget pdb =
        (PodDisruptionBudget)
            StrictModelCheck.typed(
                rendered.get("PodDisruptionBudget", "cgroup-isolation-operator"));
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(operator(rendered).getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void theAgentHasTheHostAccessItNeedsAndNoMore(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    DaemonSet daemonSet = agent(rendered);
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo(RbacTableTest.AGENT_SA);
    rendered.get("ServiceAccount", pod.getServiceAccountName());
    // The node-scoping policy reads the node from the pod-bound token.
    assertThat(pod.getAutomountServiceAccountToken()).isNotEqualTo(Boolean.FALSE);
    assertThat(pod.getHostPID()).isTrue();
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getTolerations())
        .anySatisfy(
            t -> {
              assertThat(t.getOperator()).isEqualTo("Exists");
              assertThat(t.getKey()).isNull();
              assertThat(t.getEffect()).isNull();
            });

    Container c = only(pod);
    assertThat(c.getArgs()).containsExactly("run");
    assertThat(c.getSecurityContext().getPrivileged()).isTrue();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertDownwardApi(c, "NODE_NAME", "spec.nodeName");
    assertDownwardApi(c, "POD_NAME", "metadata.name");
    assertDownwardApi(c, "POD_NAMESPACE", "metadata.namespace");
    assertProbes(c, 8081);
    assertHasRequestsAndMemoryLimit(c);

    // Exactly three host paths: the cgroup tree, the agent's own state directory, and the
    // runtime's NRI socket directory.
    List<Volume> hostPaths =
        pod.getVolumes().stream().filter(v -> v.getHostPath() != null).toList();
    assertThat(hostPaths)
        .extracting(v -> v.getHostPath().getPath())
        .containsExactlyInAnyOrder("/sys/fs/cgroup", "/run/cgroup-isolation", "/var/run/nri");
    VolumeMount cgroup = mountOf(c, pod, "/sys/fs/cgroup");
    assertThat(cgroup.getMountPath()).isEqualTo("/host/sys/fs/cgroup");
    // No propagation: nothing a container mounts may reach the agent's view of the hierarchies,
    // and containerd refuses HostToContainer where the host's /sys/fs/cgroup is private.
    assertThat(cgroup.getMountPropagation()).isIn(null, "None");
    // The agent reads the host's hierarchies where CGROUP_ROOT says (its default is the
    // container's own /sys/fs/cgroup).
    assertThat(env(c, "CGROUP_ROOT").map(EnvVar::getValue)).contains(cgroup.getMountPath());
    VolumeMount state = mountOf(c, pod, "/run/cgroup-isolation");
    assertThat(state.getMountPath()).isEqualTo("/run/cgroup-isolation");
    assertThat(volume(pod, state.getName()).getHostPath().getType()).isEqualTo("DirectoryOrCreate");
    // The agent's default NRI_SOCKET is in it.
    assertThat(mountOf(c, pod, "/var/run/nri").getMountPath()).isEqualTo("/var/run/nri");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void theAgentsJvmIsSizedForItsMemoryLimit(Path dir) {
    Container c = only(agent(Kustomize.render(dir)).getSpec().getTemplate().getSpec());
    String flags = env(c, "JAVA_TOOL_OPTIONS").map(EnvVar::getValue).orElse("");
    assertThat(flags)
        .contains("-XX:+UseSerialGC", "-Xss256k", "-XX:TieredStopAtLevel=1", "-XX:MaxRAM=");
    long limit = Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValue();
    long request =
        Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")).longValue();
    assertThat(limit).isGreaterThanOrEqualTo(request);
    // The JVM must believe in no more memory than the container may use, or it sizes itself to
    // the node and the kernel kills it instead of the JVM collecting garbage.
    assertThat(megabytes(flags, "-XX:MaxRAM=") * 1024 * 1024).isLessThanOrEqualTo(limit);
    assertThat(megabytes(flags, "-Xmx") * 1024 * 1024).isLessThan(limit);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void theAgentMayRunAtNodeCriticalPriorityInItsNamespace(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    assertThat(
            rendered
                .get("Namespace", KustomizeBuildTest.NAMESPACE)
                .path("metadata")
                .path("labels")
                .path("pod-security.kubernetes.io/enforce")
                .asText())
        .isEqualTo("privileged");
    ResourceQuota quota =
        (ResourceQuota) StrictModelCheck.typed(rendered.ofKind("ResourceQuota").get(0));
    assertThat(quota.getSpec().getScopeSelector().getMatchExpressions())
        .anySatisfy(
            e -> {
              assertThat(e.getScopeName()).isEqualTo("PriorityClass");
              assertThat(e.getValues()).contains("system-node-critical");
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void eachMetricsServiceReachesItsWorkloadsPort(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    Map<String, Container> podsByService =
        Map.of(
            "cgroup-isolation-operator-metrics",
            only(operator(rendered).getSpec().getTemplate().getSpec()),
            "cgroup-isolation-node-agent-metrics",
            only(agent(rendered).getSpec().getTemplate().getSpec()));
    Map<String, Map<String, String>> podLabels =
        Map.of(
            "cgroup-isolation-operator-metrics",
            operator(rendered).getSpec().getTemplate().getMetadata().getLabels(),
            "cgroup-isolation-node-agent-metrics",
            agent(rendered).getSpec().getTemplate().getMetadata().getLabels());
    for (JsonNode object : rendered.ofKind("Service")) {
      Service service = (Service) StrictModelCheck.typed(object);
      String name = service.getMetadata().getName();
      assertThat(podsByService).as("a workload for Service %s", name).containsKey(name);
      assertThat(podLabels.get(name)).containsAllEntriesOf(service.getSpec().getSelector());
      ServicePort port = service.getSpec().getPorts().get(0);
      String target = port.getTargetPort().getStrVal();
      assertThat(podsByService.get(name).getPorts())
          .extracting(ContainerPort::getName)
          .as("container port named %s", target)
          .contains(target);
    }
  }

  private static Deployment operator(Rendered rendered) {
    return (Deployment)
        StrictModelCheck.typed(rendered.get("Deployment", "cgroup-isolation-operator"));
  }

  private static DaemonSet agent(Rendered rendered) {
    return (DaemonSet)
        StrictModelCheck.typed(rendered.get("DaemonSet", "cgroup-isolation-node-agent"));
  }

  private static Container only(PodSpec pod) {
    assertThat(pod.getContainers()).hasSize(1);
    return pod.getContainers().get(0);
  }

  private static void assertHasRequestsAndMemoryLimit(Container c) {
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKey("memory");
  }

  private static void assertProbes(Container c, int port) {
    assertThat(c.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(port);
            });
    assertProbe(c.getLivenessProbe(), "/healthz");
    assertProbe(c.getReadinessProbe(), "/readyz");
    assertProbe(c.getStartupProbe(), "/healthz");
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
  }

  private static void assertDownwardApi(Container c, String name, String fieldPath) {
    assertThat(env(c, name))
        .as("env %s", name)
        .hasValueSatisfying(
            e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo(fieldPath));
  }

  private static Optional<EnvVar> env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static VolumeMount mountOf(Container c, PodSpec pod, String hostPath) {
    for (VolumeMount mount : c.getVolumeMounts()) {
      var source = volume(pod, mount.getName()).getHostPath();
      if (source != null && hostPath.equals(source.getPath())) {
        return mount;
      }
    }
    throw new AssertionError("host path " + hostPath + " is not mounted");
  }

  /** The size in MiB given by a JVM flag such as -Xmx32m or -XX:MaxRAM=128m. */
  private static long megabytes(String flags, String flag) {
    for (String token : flags.split("\\s+")) {
      if (token.startsWith(flag)) {
        String size = token.substring(flag.length()).toLowerCase();
        assertThat(size).as("%s is given in m or g", token).matches("\\d+[mg]");
        long n = Long.parseLong(size.substring(0, size.length() - 1));
        return size.endsWith("g") ? n * 1024 : n;
      }
    }
    throw new AssertionError("JAVA_TOOL_OPTIONS has no " + flag + ": " + flags);
  }
}

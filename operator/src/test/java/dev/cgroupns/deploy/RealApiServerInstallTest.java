package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.TestClusters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a user runs, against a real kube-apiserver: the base installs with server-side apply, every
 * overlay passes a server dry run, the samples apply, and every class of bad resource is refused by
 * the API server itself with the message the CRD gives it. The mock server accepted a CRD that
 * every real API server refuses; only this test could see that.
 */
class RealApiServerInstallTest {

  private static LocalControlPlane cluster;
  private static Kubectl kubectl;

  @BeforeAll
  static void installBase() {
    cluster = TestClusters.controlPlane();
    kubectl = Kubectl.admin(cluster);
    Kubectl.Result result =
        kubectl.run("apply", "--server-side", "-k", RepositoryLayout.base().toString());
    assertThat(result.ok())
        .as("kubectl apply --server-side -k manifests/base: %s", result)
        .isTrue();
    Kubectl.Result established =
        kubectl.run(
            "wait",
            "--for=condition=Established",
            "--timeout=60s",
            "crd/cgroupisolations.cgroupns.dev",
            "crd/cgroupisolationnodes.cgroupns.dev");
    assertThat(established.ok()).as("CRDs established: %s", established).isTrue();
  }

  @Test
  void theBaseInstallsEveryObject() {
    Kubectl.Result crds = kubectl.run("get", "crd", "-o", "name");
    assertThat(crds.out())
        .contains("cgroupisolations.cgroupns.dev", "cgroupisolationnodes.cgroupns.dev");
    Kubectl.Result workloads =
        kubectl.run("-n", "cgroup-isolation-system", "get", "deployment,daemonset", "-o", "name");
    assertThat(workloads.out())
        .contains("deployment.apps/cgroup-isolation-operator")
        .contains("daemonset.apps/cgroup-isolation-node-agent");
    Kubectl.Result policy = kubectl.run("get", "validatingadmissionpolicy", "-o", "name");
    assertThat(policy.out()).contains("cgroup-isolation-node-agent-own-node");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyKustomizationPassesAServerDryRun(Path kustomization) {
    Kubectl.Result result =
        kubectl.run("apply", "--server-side", "--dry-run=server", "-k", kustomization.toString());
    assertThat(result.ok()).as("%s: %s", kustomization, result).isTrue();
  }

  static List<Path> overlays() {
    return RepositoryLayout.kustomizations();
  }

  @Test
  void theSamplesApply() {
    Kubectl.Result result =
        kubectl.run(
            "apply",
            "--server-side",
            "-k",
            RepositoryLayout.manifests().resolve("samples").toString());
    assertThat(result.ok()).as("kubectl apply -k manifests/samples: %s", result).isTrue();
    Kubectl.Result listed = kubectl.run("-n", "default", "get", "cgi", "-o", "name");
    assertThat(listed.out().lines().count()).isEqualTo(RepositoryLayout.samples().size());
    kubectl.run("delete", "-k", RepositoryLayout.manifests().resolve("samples").toString());
  }

  @ParameterizedTest
  @MethodSource("invalidResources")
  void theApiServerRefusesEveryBadResourceWithItsMessage(Path file) throws IOException {
    String yaml = Files.readString(file);
    // "# apiserver:" where the API server words a schema error its own way, else the CRD's own
    // message ("# expect:"), which both the server and the offline validator give.
    String expected =
        expectation(yaml, "# apiserver: ")
            .or(() -> expectation(yaml, "# expect: "))
            .orElseThrow(() -> new AssertionError(file + " has no '# expect:' line"));
    Kubectl.Result result = kubectl.runWithInput(yaml, "create", "--dry-run=server", "-f", "-");
    assertThat(result.ok()).as("%s was accepted: %s", file.getFileName(), result).isFalse();
    assertThat(result.err()).as(file.getFileName().toString()).contains(expected);
  }

  private static java.util.Optional<String> expectation(String yaml, String prefix) {
    return yaml.lines()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .findFirst();
  }

  static Stream<Path> invalidResources() throws IOException {
    Path dir = RepositoryLayout.root().resolve("api/src/test/resources/invalid");
    return Files.list(dir).filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
  }
}

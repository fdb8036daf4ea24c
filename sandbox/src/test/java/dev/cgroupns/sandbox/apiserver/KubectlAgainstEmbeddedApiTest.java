package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.sandbox.cluster.KubeconfigWriter;
import dev.cgroupns.testbed.kube.CrdInstaller;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against the embedded endpoint, with the committed CRDs and sample: everything a
 * README reader types.
 */
class KubectlAgainstEmbeddedApiTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final String SAMPLE = "manifests/samples/cgroupisolation-basic.yaml";
  private static final ResourceDefinitionContext CGI =
      new ResourceDefinitionContext.Builder()
          .withGroup("cgroupns.dev")
          .withVersion("v1alpha1")
          .withPlural("cgroupisolations")
          .withKind("CgroupIsolation")
          .withNamespaced(true)
          .build();
  private static final ResourceDefinitionContext CGIN =
      new ResourceDefinitionContext.Builder()
          .withGroup("cgroupns.dev")
          .withVersion("v1alpha1")
          .withPlural("cgroupisolationnodes")
          .withKind("CgroupIsolationNode")
          .withNamespaced(true)
          .build();

  @TempDir static Path home;
  private static EmbeddedApiServer api;
  private static KubernetesClient client;
  private static Path kubeconfig;

  @BeforeAll
  static void startEndpoint() {
    api = EmbeddedApiServer.start(0);
    client = api.client();
    new CrdInstaller(client).install(REPO.resolve("crds"));
    kubeconfig = KubeconfigWriter.write(home, api.url());
  }

  @AfterAll
  static void stopEndpoint() {
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @BeforeEach
  void needsKubectl() {
    Requirements.requireExecutable("kubectl");
    client.genericKubernetesResources(CGI).inNamespace("default").delete();
    client.genericKubernetesResources(CGIN).inNamespace("default").delete();
  }

  @Test
  void applyThenGetShowsThePrinterColumnsUnderBothNames() throws Exception {
    assertThat(kubectl("apply", "-f", SAMPLE))
        .contains("cgroupisolation.cgroupns.dev/demo created");

    for (String name : List.of("cgroupisolations", "cgi")) {
      List<String> lines = kubectl("get", name).lines().toList();
      assertThat(lines.get(0).split("\\s+"))
          .containsExactly("NAME", "READY", "MATCHED", "ISOLATED", "FAILED", "AGE");
      assertThat(lines.get(1)).startsWith("demo ");
    }

    client
        .genericKubernetesResources(CGI)
        .inNamespace("default")
        .withName("demo")
        .editStatus(
            r -> {
              r.setAdditionalProperty(
                  "status",
                  Map.of(
                      "matched",
                      3,
                      "isolated",
                      2,
                      "failed",
                      1,
                      "conditions",
                      List.of(
                          Map.of(
                              "type", "Ready",
                              "status", "False",
                              "reason", "SomeFailed",
                              "message", "1 of 3 containers failed",
                              "lastTransitionTime", "2026-01-01T00:00:00Z"))));
              return r;
            });
    String row = kubectl("get", "cgi", "demo", "--no-headers").trim();
    assertThat(row.split("\\s+")).startsWith("demo", "False", "3", "2", "1");
    String wide = kubectl("get", "cgi", "-o", "wide");
    assertThat(wide.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "READY", "MODE", "MATCHED", "ISOLATED", "FAILED", "REASON", "AGE");
    assertThat(wide).contains("SomeFailed");
  }

  @Test
  void reapplyingAChangedManifestPatchesTheObject() throws Exception {
    kubectl("apply", "-f", SAMPLE);
    assertThat(kubectl("apply", "-f", SAMPLE)).contains("demo unchanged");
    Path changed = home.resolve("audit.yaml");
    Files.writeString(
        changed,
        Files.readString(REPO.resolve(SAMPLE)).replace("spec:\n", "spec:\n  mode: Audit\n"));
    assertThat(kubectl("apply", "-f", changed.toString())).contains("demo configured");
    GenericKubernetesResource stored =
        client.genericKubernetesResources(CGI).inNamespace("default").withName("demo").get();
    assertThat(stored.get("spec", "mode").toString()).isEqualTo("Audit");
    assertThat(stored.get("spec", "podSelector", "matchLabels", "app").toString())
        .isEqualTo("demo");
  }

  @Test
  void perNodeObjectsAreListedWithTheirColumns() throws Exception {
    GenericKubernetesResource node = new GenericKubernetesResource();
    node.setApiVersion("cgroupns.dev/v1alpha1");
    node.setKind("CgroupIsolationNode");
    node.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("demo-local")
            .withNamespace("default")
            .build());
    node.setAdditionalProperty(
        "spec", Map.of("nodeName", "local", "isolationName", "demo", "action", "Apply"));
    client.genericKubernetesResources(CGIN).inNamespace("default").resource(node).create();

    for (String name : List.of("cgroupisolationnodes", "cgin")) {
      List<String> lines = kubectl("get", name).lines().toList();
      assertThat(lines.get(0).split("\\s+"))
          .containsExactly(
              "NAME", "NODE", "ISOLATION", "ACTION", "CONTAINERS", "ISOLATED", "FAILED", "AGE");
      assertThat(lines.get(1).split("\\s+")).startsWith("demo-local", "local", "demo", "Apply");
    }
  }

  @Test
  void podsAreListedWithStatusRestartsAndNode() throws Exception {
    client
        .pods()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("demo-0")
                .endMetadata()
                .withNewSpec()
                .withNodeName("local")
                .addNewContainer()
                .withName("app")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewContainerStatus()
                .withName("app")
                .withRestartCount(2)
                .endContainerStatus()
                .endStatus()
                .build())
        .createOr(r -> r.update());

    List<String> lines = kubectl("get", "pods", "-o", "wide").lines().toList();

    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("NAME", "STATUS", "RESTARTS", "AGE", "NODE");
    assertThat(lines.get(1).split("\\s+")).startsWith("demo-0", "Running", "2");
    assertThat(lines.get(1)).endsWith("local");
  }

  @Test
  void describeShowsSpecStatusAndTheObjectsEvents() throws Exception {
    kubectl("apply", "-f", SAMPLE);
    GenericKubernetesResource demo =
        client.genericKubernetesResources(CGI).inNamespace("default").withName("demo").get();
    client
        .v1()
        .events()
        .inNamespace("default")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName("demo.isolated")
                .withNamespace("default")
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("cgroupns.dev/v1alpha1")
                .withKind("CgroupIsolation")
                .withName("demo")
                .withNamespace("default")
                .withUid(demo.getMetadata().getUid())
                .endInvolvedObject()
                .withType("Normal")
                .withReason("Isolated")
                .withMessage("3 containers isolated")
                .withFirstTimestamp("2026-01-01T00:00:00Z")
                .withLastTimestamp("2026-01-01T00:00:00Z")
                .withCount(1)
                .build())
        .createOr(r -> r.update());

    String described = kubectl("describe", "cgroupisolation", "demo");

    assertThat(described).contains("Name:         demo").contains("Kind:         CgroupIsolation");
    assertThat(described).containsPattern("Match Labels:\\s+App:\\s+demo");
    assertThat(described).containsPattern("Normal\\s+Isolated\\s+.*3 containers isolated");
  }

  @Test
  void deleteRemovesTheObject() throws Exception {
    kubectl("apply", "-f", SAMPLE);
    assertThat(kubectl("delete", "-f", SAMPLE))
        .contains("cgroupisolation.cgroupns.dev \"demo\" deleted");
    assertThat(client.genericKubernetesResources(CGI).inNamespace("default").withName("demo").get())
        .isNull();
    assertThat(kubectlAllowingFailure("get", "cgi")).contains("No resources found");
  }

  @Test
  void deleteWaitsForTheFinalizerAndWaitSeesConditions() throws Exception {
    kubectl("apply", "-f", SAMPLE);
    var demo = client.genericKubernetesResources(CGI).inNamespace("default").withName("demo");
    demo.edit(
        r -> {
          r.getMetadata().setFinalizers(List.of("cgroupns.dev/revert"));
          return r;
        });
    var deleting =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return run("delete", "-f", SAMPLE, "--timeout=60s");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> demo.get().getMetadata().getDeletionTimestamp() != null);
    assertThat(deleting).isNotDone();

    demo.edit(
        r -> {
          r.getMetadata().setFinalizers(List.of());
          return r;
        });

    Result deleted = deleting.get(60, TimeUnit.SECONDS);
    assertThat(deleted.exit).as(deleted.output).isZero();
    assertThat(deleted.output).contains("\"demo\" deleted");
    assertThat(demo.get()).isNull();
  }

  private static String kubectl(String... args) throws IOException, InterruptedException {
    Result r = run(args);
    assertThat(r.exit).as("kubectl %s failed:\n%s", String.join(" ", args), r.output).isZero();
    return r.output;
  }

  private static String kubectlAllowingFailure(String... args)
      throws IOException, InterruptedException {
    return run(args).output;
  }

  private record Result(int exit, String output) {}

  private static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/kubectl"));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    // A private HOME keeps kubectl's discovery cache out of the user's ~/.kube.
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("kubectl did not finish: " + String.join(" ", args));
    }
    return new Result(p.exitValue(), out);
  }
}

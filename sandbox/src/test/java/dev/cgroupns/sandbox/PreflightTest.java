package dev.cgroupns.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {

  private static final boolean LOCAL_CONTROL_PLANE = true;
  private static final boolean OTHER_CLUSTER = false;

  @TempDir Path repo;

  private Preflight.Facts facts(int uid, boolean runc, boolean busybox) throws Exception {
    return kubeFacts(uid, runc, busybox, true, Optional.empty(), true);
  }

  private Preflight.Facts kubeFacts(
      int uid,
      boolean runc,
      boolean busybox,
      boolean kubeBinaries,
      Optional<Path> kubebuilderAssets,
      boolean go)
      throws Exception {
    Files.createDirectories(repo.resolve("crds"));
    return new Preflight.Facts(
        uid,
        runc ? Optional.of(Path.of("/usr/sbin/runc")) : Optional.empty(),
        busybox,
        true,
        repo,
        kubeBinaries,
        kubebuilderAssets,
        go);
  }

  @Test
  void aReadyMachineHasNoProblems() throws Exception {
    assertThat(Preflight.problems(facts(0, true, true), false, LOCAL_CONTROL_PLANE)).isEmpty();
  }

  @Test
  void eachMissingPieceSaysWhatToDo() throws Exception {
    var problems = Preflight.problems(facts(1000, false, false), false, LOCAL_CONTROL_PLANE);
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0))
        .contains("not running as root (uid 1000)")
        .contains("sudo sandbox/bin/sandbox");
    assertThat(problems.get(1)).contains("runc").contains("bin/setup");
    assertThat(problems.get(2)).contains("busybox").contains("bin/setup");
  }

  @Test
  void apiOnlyNeedsNeitherRootNorRunc() throws Exception {
    assertThat(Preflight.problems(facts(1000, false, false), true, LOCAL_CONTROL_PLANE)).isEmpty();
  }

  @Test
  void aDirectoryWithoutCrdsIsNotTheCheckout(@TempDir Path elsewhere) {
    var facts =
        new Preflight.Facts(
            0,
            Optional.of(Path.of("/usr/sbin/runc")),
            true,
            true,
            elsewhere,
            true,
            Optional.empty(),
            true);
    assertThat(Preflight.problems(facts, true, LOCAL_CONTROL_PLANE))
        .singleElement()
        .asString()
        .contains("--repository");
  }

  @Test
  void missingKubernetesBinariesAreBuiltWhenGoIsThere() throws Exception {
    var facts = kubeFacts(0, true, true, false, Optional.empty(), true);
    assertThat(Preflight.problems(facts, false, LOCAL_CONTROL_PLANE)).isEmpty();
    assertThat(Preflight.problems(facts, true, LOCAL_CONTROL_PLANE)).isEmpty();
  }

  @Test
  void withoutGoOneLineSaysWhyAndBothWaysToGetThem() throws Exception {
    var facts = kubeFacts(1000, false, false, false, Optional.empty(), false);

    assertThat(Preflight.problems(facts, true, LOCAL_CONTROL_PLANE))
        .singleElement()
        .asString()
        .contains("not built yet")
        .contains("needs Go, which is not on PATH")
        .contains("https://go.dev/dl/")
        .contains("KUBEBUILDER_ASSETS")
        .doesNotContain("\n");
  }

  @Test
  void kubebuilderAssetsWithoutTheWholeControlPlaneIsNamed() throws Exception {
    var facts = kubeFacts(0, true, true, false, Optional.of(Path.of("/opt/envtest")), true);

    assertThat(Preflight.problems(facts, false, LOCAL_CONTROL_PLANE))
        .singleElement()
        .asString()
        .startsWith("KUBEBUILDER_ASSETS=/opt/envtest does not hold the whole control plane")
        .contains("kube-controller-manager")
        .contains("kube-scheduler");
  }

  @Test
  void anotherClusterNeedsNoKubernetesBinaries() throws Exception {
    var facts = kubeFacts(0, true, true, false, Optional.empty(), false);
    assertThat(Preflight.problems(facts, false, OTHER_CLUSTER)).isEmpty();
  }
}

package dev.cgroupns.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        go,
        true,
        true,
        true);
  }

  /** A root machine with everything but what a real node needs beyond runc containers. */
  private Preflight.Facts nodeFacts(boolean cni, boolean gcc, boolean nodeBinaries, boolean go)
      throws Exception {
    Files.createDirectories(repo.resolve("crds"));
    return new Preflight.Facts(
        0,
        Optional.of(Path.of("/usr/sbin/runc")),
        true,
        true,
        repo,
        true,
        Optional.empty(),
        go,
        cni,
        gcc,
        nodeBinaries);
  }

  private static List<String> problems(Preflight.Facts facts, boolean apiOnly, boolean local) {
    return Preflight.problems(facts, apiOnly, local, PodsKind.AUTO);
  }

  @Test
  void aReadyMachineHasNoProblems() throws Exception {
    assertThat(problems(facts(0, true, true), false, LOCAL_CONTROL_PLANE)).isEmpty();
  }

  @Test
  void eachMissingPieceSaysWhatToDo() throws Exception {
    var problems = problems(facts(1000, false, false), false, LOCAL_CONTROL_PLANE);
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0))
        .contains("not running as root (uid 1000)")
        .contains("sudo sandbox/bin/sandbox");
    assertThat(problems.get(1)).contains("runc").contains("bin/setup");
    assertThat(problems.get(2)).contains("busybox").contains("bin/setup");
  }

  @Test
  void apiOnlyNeedsNeitherRootNorRunc() throws Exception {
    assertThat(problems(facts(1000, false, false), true, LOCAL_CONTROL_PLANE)).isEmpty();
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
            true,
            true,
            true,
            true);
    assertThat(problems(facts, true, LOCAL_CONTROL_PLANE))
        .singleElement()
        .asString()
        .contains("--repository");
  }

  @Test
  void missingKubernetesBinariesAreBuiltWhenGoIsThere() throws Exception {
    var facts = kubeFacts(0, true, true, false, Optional.empty(), true);
    assertThat(problems(facts, false, LOCAL_CONTROL_PLANE)).isEmpty();
    assertThat(problems(facts, true, LOCAL_CONTROL_PLANE)).isEmpty();
  }

  @Test
  void withoutGoOneLineSaysWhyAndBothWaysToGetThem() throws Exception {
    var facts = kubeFacts(1000, false, false, false, Optional.empty(), false);

    assertThat(problems(facts, true, LOCAL_CONTROL_PLANE))
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

    assertThat(problems(facts, false, LOCAL_CONTROL_PLANE))
        .singleElement()
        .asString()
        .startsWith("KUBEBUILDER_ASSETS=/opt/envtest does not hold the whole control plane")
        .contains("kube-controller-manager")
        .contains("kube-scheduler");
  }

  @Test
  void anotherClusterNeedsNoKubernetesBinaries() throws Exception {
    var facts = kubeFacts(0, true, true, false, Optional.empty(), false);
    assertThat(problems(facts, false, OTHER_CLUSTER)).isEmpty();
  }

  @Test
  void autoRunsKubeletPodsWhereANodeCanRun() throws Exception {
    var choice = Preflight.choosePods(nodeFacts(true, true, true, false), PodsKind.AUTO, true);

    assertThat(choice.kind()).isEqualTo(PodsKind.KUBELET);
    assertThat(choice.why()).isEqualTo("this machine can run a node");
  }

  @Test
  void autoBuildsMissingNodeBinariesWhenGoIsThere() throws Exception {
    var choice = Preflight.choosePods(nodeFacts(true, true, false, true), PodsKind.AUTO, true);

    assertThat(choice.kind()).isEqualTo(PodsKind.KUBELET);
  }

  @Test
  void autoFallsBackToRuncAndSaysWhatANodeWouldNeed() throws Exception {
    var facts = nodeFacts(false, false, false, false);

    var choice = Preflight.choosePods(facts, PodsKind.AUTO, true);

    assertThat(choice.kind()).isEqualTo(PodsKind.RUNC);
    assertThat(choice.why())
        .contains("CNI plugins")
        .contains("gcc")
        .contains("kubelet, containerd")
        .contains("--pods-kind kubelet");
    assertThat(Preflight.problems(facts, false, LOCAL_CONTROL_PLANE, PodsKind.AUTO)).isEmpty();
  }

  @Test
  void kubeletRefusesToStartWithoutWhatANodeNeedsAndNamesEachPiece() throws Exception {
    var facts = nodeFacts(false, true, false, false);

    assertThat(Preflight.problems(facts, false, LOCAL_CONTROL_PLANE, PodsKind.KUBELET))
        .hasSize(2)
        .allMatch(p -> p.endsWith("(or use --pods-kind runc)"))
        .anyMatch(p -> p.contains("containernetworking-plugins"))
        .anyMatch(p -> p.contains("CGROUPNS_KUBE_COMPONENTS='kubelet containerd"));
  }

  @Test
  void runcAndOtherClustersNeverStartANode() throws Exception {
    var facts = nodeFacts(true, true, true, true);

    assertThat(Preflight.choosePods(facts, PodsKind.RUNC, true).kind()).isEqualTo(PodsKind.RUNC);
    var elsewhere = Preflight.choosePods(facts, PodsKind.AUTO, OTHER_CLUSTER);
    assertThat(elsewhere.kind()).isEqualTo(PodsKind.RUNC);
    assertThat(elsewhere.why()).contains("another cluster");
  }

  @Test
  void podsKindParsesWhatIsTypedAndNamesTheChoicesOtherwise() {
    assertThat(PodsKind.parse("kubelet")).isEqualTo(PodsKind.KUBELET);
    assertThat(PodsKind.parse("auto").option()).isEqualTo("auto");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PodsKind.parse("docker"))
        .hasMessage("--pods-kind must be auto, kubelet or runc, not 'docker'");
  }

  @Test
  void kubebuilderAssetsWithoutTheNodesBinariesGetRuncPodsAndSaySo() throws Exception {
    Files.createDirectories(repo.resolve("crds"));
    var facts =
        new Preflight.Facts(
            0,
            Optional.of(Path.of("/usr/sbin/runc")),
            true,
            true,
            repo,
            true,
            Optional.of(Path.of("/opt/kubernetes/bin")),
            true,
            true,
            true,
            false);

    var choice = Preflight.choosePods(facts, PodsKind.AUTO, LOCAL_CONTROL_PLANE);

    assertThat(choice.kind()).isEqualTo(PodsKind.RUNC);
    assertThat(choice.why())
        .contains("KUBEBUILDER_ASSETS=/opt/kubernetes/bin has no node binaries (kubelet,");
  }
}

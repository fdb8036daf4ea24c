package dev.cgroupns.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {

  @TempDir Path repo;

  private Preflight.Facts facts(int uid, boolean runc, boolean busybox) throws Exception {
    Files.createDirectories(repo.resolve("crds"));
    return new Preflight.Facts(
        uid, runc ? Optional.of(Path.of("/usr/sbin/runc")) : Optional.empty(), busybox, true, repo);
  }

  @Test
  void aReadyMachineHasNoProblems() throws Exception {
    assertThat(Preflight.problems(facts(0, true, true), false)).isEmpty();
  }

  @Test
  void eachMissingPieceSaysWhatToDo() throws Exception {
    var problems = Preflight.problems(facts(1000, false, false), false);
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0))
        .contains("not running as root (uid 1000)")
        .contains("sudo sandbox/bin/sandbox");
    assertThat(problems.get(1)).contains("apt-get install -y runc");
    assertThat(problems.get(2)).contains("apt-get install -y busybox-static");
  }

  @Test
  void apiOnlyNeedsNeitherRootNorRunc() throws Exception {
    assertThat(Preflight.problems(facts(1000, false, false), true)).isEmpty();
  }

  @Test
  void aDirectoryWithoutCrdsIsNotTheCheckout(@TempDir Path elsewhere) {
    var facts =
        new Preflight.Facts(0, Optional.of(Path.of("/usr/sbin/runc")), true, true, elsewhere);
    assertThat(Preflight.problems(facts, true)).singleElement().asString().contains("--repository");
  }
}

package dev.cgroupns.agent.isolate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.isolate.RevertRecord.RecordedMount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RevertRecordCheckTest {
  private static RecordedMount v1(String mountPoint, String originalRoot) {
    return new RecordedMount(
        mountPoint, false, List.of("memory"), originalRoot, List.of("rw", "nosuid"), "/k/p", true);
  }

  private static RevertRecord record(RecordedMount... mounts) {
    return new RevertRecord(4242, 987654, "2026-12-02T12:00:00Z", List.of(mounts));
  }

  @Test
  void aRecordAsTheAgentWritesItPasses() {
    RecordedMount v2 =
        new RecordedMount("/sys/fs/cgroup", true, List.of(), "/", List.of("rw"), "/k/p", true);
    RecordedMount named =
        new RecordedMount(
            "/sys/fs/cgroup/systemd",
            false,
            List.of("name=systemd"),
            "/../..",
            List.of("ro"),
            "/k/p",
            true);

    assertThat(RevertRecordCheck.problems(record(v1("/sys/fs/cgroup/memory", "/"), v2, named)))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "relative/path",
        "/sys/fs/cgroup/../../etc",
        "/sys/fs/cgroup/./memory",
        "/sys//fs",
        "/sys/fs/cgroup/mem\nory"
      })
  void aMountPointThatIsNotAPlainAbsolutePathIsRefused(String mountPoint) {
    assertThat(RevertRecordCheck.problems(record(v1(mountPoint, "/"))))
        .singleElement()
        .asString()
        .isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "etc", "/kubepods/../../etc", "/a//b", "/a/\u0000"})
  void anOriginalRootThatIsNotACgroupPathIsRefused(String root) {
    assertThat(RevertRecordCheck.problems(record(v1("/sys/fs/cgroup/memory", root))))
        .singleElement()
        .asString()
        .contains("original root");
  }

  @Test
  void theSameMountPointTwiceIsRefused() {
    assertThat(
            RevertRecordCheck.problems(
                record(v1("/sys/fs/cgroup/memory", "/"), v1("/sys/fs/cgroup/memory", "/"))))
        .singleElement()
        .asString()
        .contains("recorded twice");
  }

  @Test
  void namesOutsideTheKernelsAlphabetAndOverlongListsAreRefused() {
    RecordedMount shell =
        new RecordedMount(
            "/sys/fs/cgroup/memory",
            false,
            List.of("memory;rm -rf"),
            "/",
            List.of("rw"),
            "/k",
            true);
    RecordedMount manyOptions =
        new RecordedMount(
            "/sys/fs/cgroup/cpu",
            false,
            List.of("cpu"),
            "/",
            Collections.nCopies(RevertRecordCheck.MAX_NAMES + 1, "rw"),
            "/k",
            true);

    assertThat(RevertRecordCheck.problems(record(shell, manyOptions)))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("controllers"))
        .anySatisfy(p -> assertThat(p).contains("options"));
  }

  @Test
  void aV2MountWithControllersOrAV1MountWithoutIsRefused() {
    RecordedMount v2WithControllers =
        new RecordedMount("/sys/fs/cgroup", true, List.of("memory"), "/", List.of(), "/k", true);

    assertThat(RevertRecordCheck.problems(record(v2WithControllers))).hasSize(1);
  }

  @Test
  void tooManyMountsAreRefusedBeforeAnyIsLookedAt() {
    List<RecordedMount> mounts = new ArrayList<>();
    for (int i = 0; i <= RevertRecordCheck.MAX_MOUNTS; i++) {
      mounts.add(v1("/m" + i, "/"));
    }

    assertThat(RevertRecordCheck.problems(record(mounts.toArray(RecordedMount[]::new))))
        .singleElement()
        .asString()
        .contains("at most " + RevertRecordCheck.MAX_MOUNTS);
  }
}

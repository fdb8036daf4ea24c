package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForeignKubeletTest {
  @TempDir Path tmp;

  @Test
  void aMachineWithoutKubeletCgroupsMayRunTheNode() throws Exception {
    Path memory = Files.createDirectories(tmp.resolve("memory/system.slice"));
    Files.createDirectories(tmp.resolve("unified/user.slice"));
    assertThatCode(
            () ->
                ForeignKubelet.refuseIfPresent(List.of(memory.getParent(), tmp.resolve("unified"))))
        .doesNotThrowAnyException();
  }

  @Test
  void kubeletCgroupsOfEitherDriverInAnyHierarchyAreRefusedByName() throws Exception {
    Path memory = Files.createDirectories(tmp.resolve("memory"));
    Path pids = Files.createDirectories(tmp.resolve("pids/kubepods.slice"));
    assertThatThrownBy(() -> ForeignKubelet.refuseIfPresent(List.of(memory, pids.getParent())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(pids.toString())
        .hasMessageContaining("not a node");

    Files.createDirectories(memory.resolve("kubepods/besteffort"));
    assertThatThrownBy(() -> ForeignKubelet.refuseIfPresent(List.of(memory)))
        .hasMessageContaining(memory.resolve("kubepods").toString());
  }
}

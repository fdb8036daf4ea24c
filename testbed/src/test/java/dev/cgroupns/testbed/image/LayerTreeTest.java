package dev.cgroupns.testbed.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerTreeTest {

  @Test
  void parentsComeFirstAndEveryPathOnce() {
    LayerTree tree = new LayerTree().content("/etc/passwd", "x", 0644).directory("/tmp", 01777);

    assertThat(tree.paths()).containsExactly("/etc", "/etc/passwd", "/tmp");
  }

  @Test
  void aPathGivenTwiceOrNotPlainIsRefused() {
    LayerTree tree = new LayerTree().content("/etc/group", "x", 0644);

    assertThatThrownBy(() -> tree.content("/etc/group", "y", 0644)).hasMessageContaining("twice");
    assertThatThrownBy(() -> tree.content("/etc/group/x", "y", 0644))
        .hasMessageContaining("not as a directory");
    assertThatThrownBy(() -> tree.content("etc/x", "y", 0644)).hasMessageContaining("plain");
    assertThatThrownBy(() -> tree.content("/etc/../x", "y", 0644)).hasMessageContaining("plain");
  }

  @Test
  void aHostTreeKeepsItsLinksAndExecutableBits(@TempDir Path dir) throws Exception {
    Path runtime = dir.resolve("rt");
    Files.createDirectories(runtime.resolve("bin"));
    Files.createDirectories(runtime.resolve("legal/java.base"));
    Files.writeString(runtime.resolve("bin/java"), "elf");
    Files.setPosixFilePermissions(
        runtime.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(runtime.resolve("legal/java.base/LICENSE"), "gpl");
    Files.createDirectories(runtime.resolve("legal/java.logging"));
    Files.createSymbolicLink(
        runtime.resolve("legal/java.logging/LICENSE"), Path.of("../java.base/LICENSE"));

    LayerTree tree = new LayerTree().tree("/opt/java", runtime);

    assertThat(tree.paths())
        .containsExactly(
            "/opt",
            "/opt/java",
            "/opt/java/bin",
            "/opt/java/bin/java",
            "/opt/java/legal",
            "/opt/java/legal/java.base",
            "/opt/java/legal/java.base/LICENSE",
            "/opt/java/legal/java.logging",
            "/opt/java/legal/java.logging/LICENSE");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter tar = new TarWriter(bytes)) {
      tree.writeTo(tar);
    }
    Path archive = dir.resolve("layer.tar");
    Files.write(archive, bytes.toByteArray());
    String listing = CommandRunner.run(List.of("tar", "-tvf", archive.toString()));
    assertThat(listing)
        .contains("-rwxr-xr-x root/root         3 1970-01-01 00:00 opt/java/bin/java")
        .contains("opt/java/legal/java.logging/LICENSE -> ../java.base/LICENSE");
  }
}

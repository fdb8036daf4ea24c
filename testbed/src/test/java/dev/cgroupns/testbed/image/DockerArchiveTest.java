package dev.cgroupns.testbed.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchiveTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theConfigurationNamesItsPlatformAndItsLayer() {
    ObjectNode container = JSON.createObjectNode();
    container.putArray("Env").add("A=1");

    ObjectNode config = DockerArchive.configuration("amd64", container, "sha256:ab");

    assertThat(config.toString())
        .isEqualTo(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:ab\"]}}");
    assertThat(DockerArchive.manifest("x/y:1", "c.json", "l/layer.tar").toString())
        .isEqualTo(
            "[{\"Config\":\"c.json\",\"RepoTags\":[\"x/y:1\"],\"Layers\":[\"l/layer.tar\"]}]");
    assertThat(DockerArchive.architecture("aarch64")).isEqualTo("arm64");
    assertThat(DockerArchive.architecture("amd64")).isEqualTo("amd64");
  }

  @Test
  void anArchiveItWritesUnpacksAsARuntimeUnpacksIt(@TempDir Path dir) throws Exception {
    ObjectNode container = JSON.createObjectNode();
    container.putArray("Env").add("PATH=/bin");
    container.putArray("Cmd").add("hello");
    LayerTree layer = new LayerTree().content("/etc/motd", "hi\n", 0644).directory("/tmp", 01777);
    Path archive = dir.resolve("base.tar");

    DockerArchive.write(archive, "localhost/test:1", layer, container);
    ImageArchive image = ImageArchive.unpack(archive, dir.resolve("rootfs"));

    assertThat(image.tags()).containsExactly("localhost/test:1");
    assertThat(image.config().env()).containsExactly("PATH=/bin");
    assertThat(image.config().command(List.of())).containsExactly("hello");
    assertThat(image.config().command(List.of("bye"))).containsExactly("bye");
    assertThat(Files.readString(dir.resolve("rootfs/etc/motd"))).isEqualTo("hi\n");
    assertThat(Files.getPosixFilePermissions(dir.resolve("rootfs/tmp")).size()).isEqualTo(9);
    // The same inputs, the same bytes: the base layer's digest only changes with its content.
    byte[] first = Files.readAllBytes(archive);
    DockerArchive.write(archive, "localhost/test:1", layer, container);
    assertThat(Files.readAllBytes(archive)).isEqualTo(first);
  }
}

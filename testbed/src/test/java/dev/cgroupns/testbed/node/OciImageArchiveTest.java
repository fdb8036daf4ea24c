package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive is an OCI image layout whose blobs match their digests, read back with tar(1). */
class OciImageArchiveTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void writesAnImageLayoutThatNamesTheImageForContainerd() throws Exception {
    Path archive =
        new OciImageArchive(
                "cgroupns.local/demo:node",
                List.of("/bin/demo"),
                tar -> {
                  tar.directory("bin", 0755);
                  tar.file("bin/demo", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
                  tar.symlink("bin/alias", "demo");
                })
            .writeTo(dir.resolve("demo.tar"));
    Path layout = Files.createDirectories(dir.resolve("layout"));
    CommandRunner.run(List.of("tar", "-xf", archive.toString(), "-C", layout.toString()));

    assertThat(
            JSON.readTree(layout.resolve("oci-layout").toFile()).get("imageLayoutVersion").asText())
        .isEqualTo("1.0.0");
    JsonNode entry = JSON.readTree(layout.resolve("index.json").toFile()).get("manifests").get(0);
    assertThat(entry.get("annotations").get("io.containerd.image.name").asText())
        .isEqualTo("cgroupns.local/demo:node");
    assertThat(entry.get("annotations").get("org.opencontainers.image.ref.name").asText())
        .isEqualTo("node");

    JsonNode manifest = JSON.readTree(blob(layout, entry));
    JsonNode config = JSON.readTree(blob(layout, manifest.get("config")));
    assertThat(config.get("os").asText()).isEqualTo("linux");
    assertThat(config.get("config").get("Entrypoint").get(0).asText()).isEqualTo("/bin/demo");

    byte[] layerGzip = blob(layout, manifest.get("layers").get(0));
    byte[] layerTar;
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(layerGzip))) {
      layerTar = in.readAllBytes();
    }
    // The config names the layer by the digest of its uncompressed tar (its diff ID).
    assertThat(config.get("rootfs").get("diff_ids").get(0).asText()).isEqualTo(digest(layerTar));
    Path layerFile = dir.resolve("layer.tar");
    Files.write(layerFile, layerTar);
    assertThat(CommandRunner.run(List.of("tar", "-tvf", layerFile.toString())))
        .contains("bin/demo")
        .contains("bin/alias -> demo");
  }

  @Test
  void theSameContentGivesTheSameBytes() throws IOException {
    OciImageArchive image =
        new OciImageArchive(
            "x.local/a:b", List.of("/a"), tar -> tar.file("a", 0755, new byte[] {1}));
    Path first = image.writeTo(dir.resolve("1.tar"));
    Path second = image.writeTo(dir.resolve("2.tar"));
    assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
  }

  /** The blob a descriptor names, checked against its digest and size. */
  private static byte[] blob(Path layout, JsonNode descriptor) throws Exception {
    String digest = descriptor.get("digest").asText();
    byte[] bytes = Files.readAllBytes(layout.resolve("blobs/sha256").resolve(digest.substring(7)));
    assertThat(digest(bytes)).isEqualTo(digest);
    assertThat(bytes.length).isEqualTo(descriptor.get("size").asInt());
    return bytes;
  }

  private static String digest(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}

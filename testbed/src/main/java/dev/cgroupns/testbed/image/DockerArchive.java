package dev.cgroupns.testbed.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes a one-layer image in the archive format of {@code docker save}: {@code manifest.json}
 * (config file, tags, layer files), the image configuration and the uncompressed layer. It is the
 * format Jib takes as a base image from a file ({@code tar://}); Jib compresses the layer itself.
 */
public final class DockerArchive {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerArchive() {}

  /**
   * The image configuration for one layer: platform, the container settings ({@code Env}, ...) and
   * the layer's diff ID (the SHA-256 of its uncompressed tar).
   */
  static ObjectNode configuration(String architecture, ObjectNode container, String diffId) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", architecture);
    config.put("os", "linux");
    config.set("config", container);
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId);
    return config;
  }

  /** {@code manifest.json}: one image, its tag, its configuration file and layer file. */
  static ArrayNode manifest(String tag, String configFile, String layerFile) {
    ArrayNode manifest = JSON.createArrayNode();
    ObjectNode image = manifest.addObject();
    image.put("Config", configFile);
    image.putArray("RepoTags").add(tag);
    image.putArray("Layers").add(layerFile);
    return manifest;
  }

  /** The image's architecture in OCI terms, from the JVM's name for this machine. */
  static String architecture(String osArch) {
    switch (osArch) {
      case "amd64":
      case "x86_64":
        return "amd64";
      case "aarch64":
        return "arm64";
      default:
        return osArch;
    }
  }

  /**
   * Writes the archive to {@code out} (replaced whole: written next to it, then moved).
   *
   * @param container the configuration's {@code config} object (Env, User, Entrypoint, ...)
   */
  public static void write(Path out, String tag, LayerTree layer, ObjectNode container)
      throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path layerFile = Files.createTempFile(dir, "layer", ".tar");
    Path partial = Files.createTempFile(dir, "image", ".tar.partial");
    try {
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(layerFile));
          TarWriter tar = new TarWriter(o)) {
        layer.writeTo(tar);
      }
      String diffId = "sha256:" + sha256(layerFile);
      byte[] config =
          JSON.writeValueAsBytes(
              configuration(architecture(System.getProperty("os.arch")), container, diffId));
      String configName = sha256(config) + ".json";
      String layerName = diffId.substring("sha256:".length()) + "/layer.tar";
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(partial));
          TarWriter tar = new TarWriter(o)) {
        tar.file(configName, 0644, config);
        tar.directory(diffId.substring("sha256:".length()), 0755);
        tar.file(layerName, 0644, layerFile);
        tar.file(
            "manifest.json", 0644, JSON.writeValueAsBytes(manifest(tag, configName, layerName)));
      }
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(layerFile);
      Files.deleteIfExists(partial);
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

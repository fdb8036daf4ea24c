package dev.cgroupns.testbed.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.testbed.image.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * An OCI image of one layer, written as an OCI image-layout archive that containerd imports without
 * a registry ({@code ctr -n k8s.io images import}): {@code oci-layout}, {@code index.json} naming
 * the image in the {@code io.containerd.image.name} annotation, and the blobs (the gzip layer, the
 * config, the manifest) under {@code blobs/sha256}.
 *
 * @param reference the full image name pods use, e.g. {@code cgroupns.local/busybox:node}
 * @param entrypoint the image's entrypoint
 * @param layer writes the layer's files
 */
public record OciImageArchive(String reference, List<String> entrypoint, Layer layer) {

  /** The files of the one layer. */
  @FunctionalInterface
  public interface Layer {
    void write(TarWriter tar) throws IOException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String CONFIG = "application/vnd.oci.image.config.v1+json";
  private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** Writes the archive to {@code file}, replacing it. */
  public Path writeTo(Path file) {
    try {
      byte[] layerTar = layerTar();
      byte[] layerGzip = gzip(layerTar);
      byte[] config =
          json(
              map(
                  "architecture", architecture(),
                  "os", "linux",
                  "config",
                      map(
                          "Entrypoint",
                          entrypoint,
                          "Env",
                          List.of(
                              "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")),
                  "rootfs", map("type", "layers", "diff_ids", List.of(digest(layerTar)))));
      byte[] manifest =
          json(
              map(
                  "schemaVersion",
                  2,
                  "mediaType",
                  MANIFEST,
                  "config",
                  descriptor(CONFIG, config),
                  "layers",
                  List.of(descriptor(LAYER, layerGzip))));
      Map<String, Object> entry = descriptor(MANIFEST, manifest);
      entry.put(
          "annotations",
          map(
              "io.containerd.image.name",
              reference,
              "org.opencontainers.image.ref.name",
              tagOf(reference)));
      entry.put("platform", map("architecture", architecture(), "os", "linux"));
      byte[] index =
          json(
              map(
                  "schemaVersion",
                  2,
                  "mediaType",
                  "application/vnd.oci.image.index.v1+json",
                  "manifests",
                  List.of(entry)));

      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(file);
          TarWriter tar = new TarWriter(out)) {
        tar.file("oci-layout", 0644, json(map("imageLayoutVersion", "1.0.0")));
        tar.file("index.json", 0644, index);
        tar.directory("blobs", 0755);
        tar.directory("blobs/sha256", 0755);
        for (byte[] blob : List.of(layerGzip, config, manifest)) {
          tar.file("blobs/sha256/" + hex(blob), 0644, blob);
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The OCI name of this machine's architecture, as Go spells it. */
  static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  private byte[] layerTar() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter tar = new TarWriter(bytes)) {
      layer.write(tar);
    }
    return bytes.toByteArray();
  }

  private static String tagOf(String reference) {
    int slash = reference.lastIndexOf('/');
    int colon = reference.lastIndexOf(':');
    return colon > slash ? reference.substring(colon + 1) : "latest";
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(data);
    }
    return bytes.toByteArray();
  }

  private static Map<String, Object> descriptor(String mediaType, byte[] blob) {
    return map("mediaType", mediaType, "digest", digest(blob), "size", blob.length);
  }

  private static String digest(byte[] blob) {
    return "sha256:" + hex(blob);
  }

  private static String hex(byte[] blob) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] json(Object value) throws IOException {
    return JSON.writeValueAsBytes(value);
  }

  /** An insertion-ordered map of key, value, key, value, ... */
  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}

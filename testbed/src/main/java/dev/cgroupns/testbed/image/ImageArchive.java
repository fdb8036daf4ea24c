package dev.cgroupns.testbed.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image archive in {@code docker save} format (what Jib's buildTar writes), opened the way a
 * container runtime opens it: its configuration read, its layers unpacked in order into a root
 * filesystem. The host's tar unpacks (it reads Jib's gzip layers and PAX headers); whiteout files
 * are refused, since the images this project builds have none and a rootfs with them would be
 * wrong.
 *
 * @param tags the names the archive gives the image
 * @param config what the image asks its container's process to be
 */
public record ImageArchive(List<String> tags, ImageConfig config) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The container settings of an image configuration's {@code config} object.
   *
   * @param user "uid:gid" (numeric), or empty for root
   */
  public record ImageConfig(
      List<String> entrypoint, List<String> cmd, List<String> env, String user, String workingDir) {

    static ImageConfig of(JsonNode image) {
      JsonNode c = image.path("config");
      return new ImageConfig(
          strings(c.path("Entrypoint")),
          strings(c.path("Cmd")),
          strings(c.path("Env")),
          c.path("User").asText(""),
          c.path("WorkingDir").asText(""));
    }

    /**
     * The process an image runs with {@code args} in place of its Cmd (as `docker run IMAGE args`).
     */
    public List<String> command(List<String> args) {
      List<String> command = new ArrayList<>(entrypoint);
      command.addAll(args.isEmpty() ? cmd : args);
      return command;
    }
  }

  /** Unpacks {@code archive}'s layers into {@code rootfs} (created) and reads its configuration. */
  public static ImageArchive unpack(Path archive, Path rootfs) {
    try {
      Path parts = Files.createTempDirectory(rootfs.toAbsolutePath().getParent(), "image-");
      try {
        tar(List.of("-x", "-f", archive.toString(), "-C", parts.toString()));
        JsonNode manifest = JSON.readTree(parts.resolve("manifest.json").toFile());
        if (manifest.size() != 1) {
          throw new IllegalArgumentException(archive + " holds " + manifest.size() + " images");
        }
        JsonNode image = manifest.get(0);
        JsonNode config =
            JSON.readTree(parts.resolve(safe(image.path("Config").asText())).toFile());
        Files.createDirectories(rootfs);
        for (String layer : strings(image.path("Layers"))) {
          Path file = parts.resolve(safe(layer));
          if (tar(List.of("-t", "-f", file.toString())).lines().anyMatch(ImageArchive::whiteout)) {
            throw new IllegalArgumentException(layer + " of " + archive + " has whiteout files");
          }
          tar(List.of("-x", "-f", file.toString(), "-C", rootfs.toString()));
        }
        return new ImageArchive(strings(image.path("RepoTags")), ImageConfig.of(config));
      } finally {
        CommandRunner.run(List.of("rm", "-rf", "--one-file-system", parts.toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean whiteout(String path) {
    String name = path.substring(path.lastIndexOf('/', path.length() - 2) + 1);
    return name.startsWith(".wh.");
  }

  private static String tar(List<String> args) {
    // Jib's layers carry PAX keywords GNU tar does not know; they matter to nothing here.
    List<String> command = new ArrayList<>(List.of("tar", "--warning=no-unknown-keyword"));
    command.addAll(args);
    return CommandRunner.run(command);
  }

  /** A member name from the manifest, refused if it could leave the unpacked directory. */
  private static String safe(String name) {
    if (name.isEmpty() || name.startsWith("/") || List.of(name.split("/")).contains("..")) {
      throw new IllegalArgumentException("bad file name in an image manifest: " + name);
    }
    return name;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return List.copyOf(values);
  }
}

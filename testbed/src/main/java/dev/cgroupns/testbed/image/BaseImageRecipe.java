package dev.cgroupns.testbed.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What a base image was made from, written beside it, so that a rebuild from the same inputs keeps
 * the archive it has. jlink of JDK 17 does not give the same bytes twice (its module image and the
 * class-data archive differ run to run), so without this every build would make a new base layer,
 * which Jib compresses again and a node stores again.
 *
 * <p>The inputs: the JDK (its home and version), the code that makes the image (the bytes of this
 * package's classes, so a change to them is a change of recipe), the tag, and each host library the
 * image holds, by path, size and modification time (a package upgrade changes those).
 */
final class BaseImageRecipe {

  private static final List<Class<?>> MAKERS =
      List.of(
          JreBaseImage.class,
          LayerTree.class,
          TarWriter.class,
          DockerArchive.class,
          SharedLibraries.class,
          BaseImageRecipe.class);

  private BaseImageRecipe() {}

  /** The recipe's file for the archive {@code out}. */
  static Path fileFor(Path out) {
    return out.resolveSibling(out.getFileName() + ".recipe");
  }

  /** The inputs known before the image is made: the JDK, the code, the tag. */
  static String inputs(String tag) throws IOException {
    StringBuilder s = new StringBuilder();
    s.append("java.home ").append(System.getProperty("java.home")).append('\n');
    s.append("java.runtime.version ").append(System.getProperty("java.runtime.version"));
    s.append('\n').append("tag ").append(tag).append('\n');
    for (Class<?> c : MAKERS) {
      try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
        byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
        s.append("class ").append(c.getName()).append(' ');
        s.append(DockerArchive.sha256(bytes)).append('\n');
      }
    }
    return s.toString();
  }

  /** The whole recipe: {@code inputs} and the host libraries as they are now. */
  static String of(String inputs, Collection<Path> libraries) throws IOException {
    StringBuilder s = new StringBuilder(inputs);
    for (Path lib : libraries) {
      s.append(library(lib)).append('\n');
    }
    return s.toString();
  }

  /**
   * The recorded recipe of {@code out} if it still holds: same inputs, and every library it lists
   * unchanged on the host. Empty when the image must be made (again).
   */
  static Optional<String> stillValid(Path out, String inputs) throws IOException {
    Path file = fileFor(out);
    if (!Files.isRegularFile(out) || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String recorded = Files.readString(file, StandardCharsets.UTF_8);
    if (!recorded.startsWith(inputs)) {
      return Optional.empty();
    }
    List<Path> libraries = new ArrayList<>();
    for (String line : recorded.substring(inputs.length()).lines().toList()) {
      String path = line.substring(0, line.indexOf(' '));
      libraries.add(Path.of(path));
    }
    for (Path lib : libraries) {
      if (!Files.isRegularFile(lib)) {
        return Optional.empty();
      }
    }
    return of(inputs, libraries).equals(recorded) ? Optional.of(recorded) : Optional.empty();
  }

  private static String library(Path lib) throws IOException {
    return lib + " " + Files.size(lib) + " " + Files.getLastModifiedTime(lib).toMillis();
  }
}

package dev.cgroupns.testbed.runc;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Traps in a container's root filesystem, for tests of safety rule 1 (never exec a binary or load a
 * class from a path after entering a container's mount namespace): the container decides what
 * resolves there, so a test makes every such path hostile and checks that nothing ran or loaded.
 */
public final class RootfsTraps {

  /**
   * Names replaced in /bin, /sbin, /usr/bin and /usr/sbin; each trap leaves /.trap-markers/NAME.
   */
  public static final List<String> TRAPPED =
      List.of("mount", "umount", "sh", "nsenter", "unshare", "ash");

  private static final List<String> BIN_DIRS = List.of("bin", "sbin", "usr/bin", "usr/sbin");

  private RootfsTraps() {}

  /** Installs the program traps and the class path traps into a built root filesystem. */
  public static void install(Path rootfs, Path busybox) {
    try {
      installProgramTraps(rootfs, busybox);
      plantClassPathTraps(rootfs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Marker files left by traps that ran, by trapped name. */
  public static List<String> markers(Path rootfs) {
    try (Stream<Path> files = Files.list(rootfs.resolve(".trap-markers"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Replaces each trapped name by a script run by a private busybox copy (/.trap/busybox, so the
   * trap does not need the trapped /bin/sh itself) that writes /.trap-markers/NAME and fails.
   */
  private static void installProgramTraps(Path rootfs, Path busybox) throws IOException {
    Path trapDir = rootfs.resolve(".trap");
    Files.createDirectories(trapDir);
    Files.createDirectories(rootfs.resolve(".trap-markers"));
    Files.copy(busybox, trapDir.resolve("busybox"));
    for (String trapped : TRAPPED) {
      String script =
          "#!/.trap/busybox sh\n"
              + "/.trap/busybox date > /.trap-markers/"
              + trapped
              + "\n"
              + "exit 99\n";
      for (String dir : BIN_DIRS) {
        Path target = rootfs.resolve(dir).resolve(trapped);
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        Files.writeString(target, script);
        target.toFile().setExecutable(true, false);
      }
    }
  }

  /**
   * Plants garbage at every path of this JVM's class path inside the rootfs: each .class file of a
   * class directory and each jar. A JVM thread that entered the container's mount namespace and
   * then loaded a class or opened a jar by path would get the container's file and fail.
   */
  private static void plantClassPathTraps(Path rootfs) throws IOException {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          for (Path file : walk.filter(f -> f.toString().endsWith(".class")).toList()) {
            plantGarbage(rootfs, file);
          }
        }
      } else if (Files.isRegularFile(path)) {
        plantGarbage(rootfs, path);
      }
    }
  }

  private static void plantGarbage(Path rootfs, Path hostPath) throws IOException {
    Path inside = rootfs.resolve(hostPath.toString().substring(1));
    Files.createDirectories(inside.getParent());
    Files.writeString(inside, "planted by the container: not a class file, not a jar\n");
  }
}

package dev.cgroupns.sandbox.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal container root filesystem: a static busybox in /bin with a link per applet, and the
 * empty directories runc mounts onto.
 */
public final class BusyboxRootfs {

  private final Path busybox;
  private List<String> applets;

  public BusyboxRootfs(Path busybox) {
    this.busybox = busybox;
  }

  public void build(Path rootfs) {
    try {
      for (String dir : List.of("bin", "proc", "sys", "dev", "tmp", "etc", "root")) {
        Files.createDirectories(rootfs.resolve(dir));
      }
      Path bin = rootfs.resolve("bin");
      Files.copy(busybox, bin.resolve("busybox"));
      for (String applet : applets()) {
        Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized List<String> applets() {
    if (applets == null) {
      applets =
          CommandRunner.run(List.of(busybox.toString(), "--list"))
              .lines()
              .map(String::trim)
              .filter(a -> a.matches("[A-Za-z0-9_.\\[\\]-]+") && !a.equals("busybox"))
              .toList();
    }
    return applets;
  }
}

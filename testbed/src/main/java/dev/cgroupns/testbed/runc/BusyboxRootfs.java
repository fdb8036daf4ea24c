package dev.cgroupns.testbed.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal container root filesystem: a static busybox in /bin with a link per applet, and the
 * empty directories runc mounts onto or programs look in.
 */
public final class BusyboxRootfs {

  private static final List<String> DIRECTORIES =
      List.of("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "etc", "root");

  private final Path busybox;
  private List<String> applets;

  public BusyboxRootfs(Path busybox) {
    this.busybox = busybox;
  }

  /** The busybox binary copied into every root filesystem. */
  public Path busybox() {
    return busybox;
  }

  public void build(Path rootfs) {
    try {
      for (String dir : DIRECTORIES) {
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

  /** busybox's applets, asked once: every container (and image) of a run gets the same links. */
  public synchronized List<String> applets() {
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

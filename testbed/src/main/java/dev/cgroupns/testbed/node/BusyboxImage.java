package dev.cgroupns.testbed.node;

import dev.cgroupns.testbed.runc.BusyboxRootfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An image of the host's static busybox: {@code /bin/busybox}, a link per applet, and the
 * directories programs expect. Its entrypoint is {@code sh}, so pods give it a command.
 */
public final class BusyboxImage {

  /** The name pods use, with {@code imagePullPolicy: Never}. */
  public static final String REFERENCE = "cgroupns.local/busybox:node";

  private static final List<String> DIRECTORIES =
      List.of(
          "bin", "sbin", "usr", "usr/bin", "usr/sbin", "proc", "sys", "dev", "etc", "root", "var");

  private final BusyboxRootfs busybox;

  public BusyboxImage(BusyboxRootfs busybox) {
    this.busybox = busybox;
  }

  /** The image archive, written to {@code file}. */
  public Path writeArchive(Path file) {
    byte[] binary;
    try {
      binary = Files.readAllBytes(busybox.busybox());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> applets = busybox.applets();
    return new OciImageArchive(
            REFERENCE,
            List.of("/bin/sh"),
            tar -> {
              for (String dir : DIRECTORIES) {
                tar.directory(dir, 0755);
              }
              tar.directory("tmp", 01777);
              tar.file("bin/busybox", 0755, binary);
              for (String applet : applets) {
                tar.symlink("bin/" + applet, "busybox");
              }
            })
        .writeTo(file);
  }
}

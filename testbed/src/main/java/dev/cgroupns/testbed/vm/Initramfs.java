package dev.cgroupns.testbed.vm;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The VM's initramfs: a static busybox (its applets are linked at boot), the modules {@link
 * InitScript} loads, and the init script, as a newc cpio archive (uncompressed: the kernel takes it
 * as is, and it is small).
 */
public final class Initramfs {

  private Initramfs() {}

  /**
   * Writes the archive to {@code out}.
   *
   * @param busybox a statically linked busybox (the host's /bin/busybox from busybox-static)
   */
  public static void write(Path out, Path busybox, KernelCache.Kernel kernel, InitScript init) {
    try (NewcCpioWriter cpio =
        new NewcCpioWriter(new BufferedOutputStream(Files.newOutputStream(out)))) {
      for (String dir : new String[] {"bin", "dev", "lib", "lib/modules", "proc", "sys"}) {
        cpio.directory(dir, 0755);
      }
      cpio.characterDevice("dev/console", 0600, 5, 1);
      cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
      for (String module : init.modules()) {
        cpio.file("lib/modules/" + module + ".ko", 0644, Files.readAllBytes(kernel.module(module)));
      }
      cpio.file("init", 0755, init.render().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.cgroupns.testbed.vm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "newc" format, the one the kernel unpacks as an initramfs: per entry
 * a 110-byte ASCII header ("070701" and 13 eight-digit hex fields), the NUL-terminated name and the
 * data, each padded to a multiple of 4 bytes; a "TRAILER!!!" entry ends it. The host has no cpio
 * binary, and the few entries of an initramfs need no more than this.
 *
 * <p>Names are relative ("bin/busybox"); every entry is owned by root with mtime 0, so the same
 * input gives the same bytes.
 */
public final class NewcCpioWriter implements AutoCloseable {

  static final String MAGIC = "070701";
  static final String TRAILER = "TRAILER!!!";
  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFCHR = 0020000;

  private final OutputStream out;
  private long written;
  private int nextInode = 1;
  private boolean finished;

  public NewcCpioWriter(OutputStream out) {
    this.out = out;
  }

  /** A directory; {@code permissions} such as 0755. */
  public void directory(String name, int permissions) throws IOException {
    entry(name, S_IFDIR | permissions, 2, new byte[0]);
  }

  /** A regular file with these contents; {@code permissions} such as 0644 or 0755. */
  public void file(String name, int permissions, byte[] contents) throws IOException {
    entry(name, S_IFREG | permissions, 1, contents);
  }

  /** A symbolic link to {@code target}. */
  public void symlink(String name, String target) throws IOException {
    entry(name, S_IFLNK | 0777, 1, target.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A character device node, such as /dev/console (5, 1): the kernel opens it for init's stdio
   * before init can mount devtmpfs.
   */
  public void characterDevice(String name, int permissions, int major, int minor)
      throws IOException {
    checkName(name);
    header(name, nextInode++, 1, S_IFCHR | permissions, 0, major, minor);
  }

  /** Writes the trailer; nothing can be added afterwards. */
  public void finish() throws IOException {
    if (!finished) {
      header(TRAILER, 0, 1, 0, 0, 0, 0);
      finished = true;
      out.flush();
    }
  }

  /** Finishes the archive and closes the stream. */
  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }

  private void entry(String name, int mode, int links, byte[] data) throws IOException {
    checkName(name);
    header(name, nextInode++, links, mode, data.length, 0, 0);
    write(data);
    pad();
  }

  private void checkName(String name) {
    if (finished) {
      throw new IllegalStateException("archive already finished");
    }
    if (name.isEmpty() || name.startsWith("/") || name.equals(TRAILER) || name.contains("\0")) {
      throw new IllegalArgumentException("bad entry name: " + name);
    }
  }

  /**
   * The 13 fields: ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor
   * namesize check.
   */
  private void header(
      String name, int inode, int links, int mode, long size, int rdevMajor, int rdevMinor)
      throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder h = new StringBuilder(MAGIC);
    long[] fields = {
      inode, mode, 0, 0, links, 0, size, 0, 0, rdevMajor, rdevMinor, nameBytes.length + 1L, 0,
    };
    for (long field : fields) {
      h.append(String.format("%08x", field));
    }
    write(h.toString().getBytes(StandardCharsets.US_ASCII));
    write(nameBytes);
    write(new byte[] {0});
    pad();
  }

  private void write(byte[] bytes) throws IOException {
    out.write(bytes);
    written += bytes.length;
  }

  private void pad() throws IOException {
    while (written % 4 != 0) {
      out.write(0);
      written++;
    }
  }
}

package dev.cgroupns.testbed.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX ustar archive: directories, regular files and symbolic links, owned by root, with
 * a fixed modification time so the same content always gives the same bytes (and image digests).
 * Names must fit ustar's 100-byte name field; image layers and OCI layouts here never need more.
 */
public final class TarWriter implements AutoCloseable {

  private static final int BLOCK = 512;

  /** 2000-01-01: a fixed time keeps archives reproducible. */
  private static final long MTIME = 946684800L;

  private final OutputStream out;

  public TarWriter(OutputStream out) {
    this.out = out;
  }

  public void directory(String name, int mode) throws IOException {
    header(name.endsWith("/") ? name : name + "/", mode, 0, '5', "");
  }

  public void file(String name, int mode, byte[] content) throws IOException {
    header(name, mode, content.length, '0', "");
    out.write(content);
    pad(content.length);
  }

  public void symlink(String name, String target) throws IOException {
    header(name, 0777, 0, '2', target);
  }

  /** Two zero blocks end the archive; the stream is left open. */
  @Override
  public void close() throws IOException {
    out.write(new byte[BLOCK * 2]);
    out.flush();
  }

  private void header(String name, int mode, long size, char type, String link) throws IOException {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, MTIME);
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar");
    h[263] = '0';
    h[264] = '0';
    put(h, 265, 32, "root");
    put(h, 297, 32, "root");
    // The checksum is computed with its own field read as spaces.
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String checksum = String.format("%06o", sum);
    put(h, 148, 7, checksum);
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }

  private static void put(byte[] h, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > length) {
      throw new IllegalArgumentException("too long for a ustar field: " + value);
    }
    System.arraycopy(bytes, 0, h, offset, bytes.length);
  }

  private static void octal(byte[] h, int offset, int length, long value) {
    put(h, offset, length - 1, String.format("%0" + (length - 1) + "o", value));
  }
}

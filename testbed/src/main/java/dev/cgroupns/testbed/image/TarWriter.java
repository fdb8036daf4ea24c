package dev.cgroupns.testbed.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a POSIX ustar archive: directories, regular files and symbolic links, every entry owned by
 * root (0:0) with one fixed modification time, so the same inputs give the same bytes (and the same
 * layer digest) on every build.
 *
 * <p>Only what an image layer needs: no hard links, devices or extended headers. A name that does
 * not fit ustar's 100 + 155 bytes is refused rather than silently truncated.
 */
public final class TarWriter implements AutoCloseable {

  private static final int BLOCK = 512;

  /** One second after the epoch, as Jib dates its own layers (zero reads as "no date" to some). */
  private static final long MTIME = 1;

  private final OutputStream out;

  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /** A directory; {@code name} is relative ("opt/java"), without a trailing slash. */
  public void directory(String name, int mode) throws IOException {
    out.write(header(name + "/", mode, 0, '5', ""));
  }

  /** A regular file with {@code content}. */
  public void file(String name, int mode, byte[] content) throws IOException {
    out.write(header(name, mode, content.length, '0', ""));
    out.write(content);
    pad(content.length);
  }

  /** A regular file copied from {@code source}. */
  public void file(String name, int mode, Path source) throws IOException {
    long size = Files.size(source);
    out.write(header(name, mode, size, '0', ""));
    try (InputStream in = Files.newInputStream(source)) {
      long copied = in.transferTo(out);
      if (copied != size) {
        throw new IOException(source + " changed size while it was archived");
      }
    }
    pad(size);
  }

  /** A symbolic link to {@code target}, taken as it is (relative or absolute). */
  public void symlink(String name, String target) throws IOException {
    out.write(header(name, 0777, 0, '2', target));
  }

  /** Ends the archive (two zero blocks); the stream given is left open. */
  @Override
  public void close() throws IOException {
    out.write(new byte[2 * BLOCK]);
    out.flush();
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }

  static byte[] header(String name, int mode, long size, char type, String linkName) {
    byte[] h = new byte[BLOCK];
    String prefix = "";
    String base = name;
    if (ascii(name).length > 100) {
      // ustar splits a long name at a slash: up to 155 bytes of directories, 100 of the rest.
      int cut = name.lastIndexOf('/', name.length() - 2);
      while (cut > 0 && (name.length() - cut - 1 > 100 || cut > 155)) {
        cut = name.lastIndexOf('/', cut - 1);
      }
      if (cut <= 0 || name.length() - cut - 1 > 100) {
        throw new IllegalArgumentException("name too long for ustar: " + name);
      }
      prefix = name.substring(0, cut);
      base = name.substring(cut + 1);
    }
    if (ascii(linkName).length > 100) {
      throw new IllegalArgumentException("link target too long for ustar: " + linkName);
    }
    put(h, 0, 100, ascii(base));
    put(h, 100, 8, octal(mode, 7));
    put(h, 108, 8, octal(0, 7));
    put(h, 116, 8, octal(0, 7));
    put(h, 124, 12, octal(size, 11));
    put(h, 136, 12, octal(MTIME, 11));
    put(h, 148, 8, ascii("        "));
    h[156] = (byte) type;
    put(h, 157, 100, ascii(linkName));
    put(h, 257, 6, ascii("ustar\0"));
    put(h, 263, 2, ascii("00"));
    put(h, 265, 32, ascii("root"));
    put(h, 297, 32, ascii("root"));
    put(h, 345, 155, ascii(prefix));
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, ascii(String.format("%06o", sum) + "\0 "));
    return h;
  }

  private static byte[] octal(long value, int digits) {
    String s = Long.toOctalString(value);
    if (s.length() > digits) {
      throw new IllegalArgumentException("value too large for a tar header: " + value);
    }
    return ascii("0".repeat(digits - s.length()) + s + "\0");
  }

  private static byte[] ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7e || (s.charAt(i) < 0x20 && s.charAt(i) != 0)) {
        throw new IllegalArgumentException("not printable ASCII: " + s);
      }
    }
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void put(byte[] header, int offset, int length, byte[] value) {
    if (value.length > length) {
      throw new IllegalArgumentException("field too long: " + new String(value));
    }
    System.arraycopy(value, 0, header, offset, value.length);
  }
}

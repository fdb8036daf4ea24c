package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewcCpioWriterTest {

  /** One entry as read back: the 13 header fields, the name and the data. */
  record Entry(long[] fields, String name, byte[] data) {
    long mode() {
      return fields[1];
    }

    long rdevMajor() {
      return fields[9];
    }

    long rdevMinor() {
      return fields[10];
    }
  }

  /** A reader written from the format's description, checking magic and padding as it goes. */
  static List<Entry> read(byte[] archive) {
    List<Entry> entries = new ArrayList<>();
    int pos = 0;
    while (true) {
      assertThat(pos % 4).as("header offset aligned").isZero();
      String header = new String(archive, pos, 110, StandardCharsets.US_ASCII);
      assertThat(header).startsWith(NewcCpioWriter.MAGIC);
      long[] fields = new long[13];
      for (int i = 0; i < 13; i++) {
        fields[i] = Long.parseLong(header.substring(6 + 8 * i, 14 + 8 * i), 16);
      }
      int nameSize = (int) fields[11];
      String name = new String(archive, pos + 110, nameSize - 1, StandardCharsets.UTF_8);
      assertThat(archive[pos + 110 + nameSize - 1]).as("name is NUL-terminated").isZero();
      pos = align(pos + 110 + nameSize);
      int size = (int) fields[6];
      byte[] data = new byte[size];
      System.arraycopy(archive, pos, data, 0, size);
      pos = align(pos + size);
      if (name.equals(NewcCpioWriter.TRAILER)) {
        assertThat(pos).as("nothing after the trailer").isEqualTo(archive.length);
        return entries;
      }
      entries.add(new Entry(fields, name, data));
    }
  }

  private static int align(int n) {
    return (n + 3) & ~3;
  }

  @Test
  void entriesReadBackWithTheirTypesSizesAndContents() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (NewcCpioWriter cpio = new NewcCpioWriter(bytes)) {
      cpio.directory("bin", 0755);
      cpio.file("bin/hello", 0755, "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
      cpio.symlink("bin/sh", "busybox");
      cpio.characterDevice("dev/console", 0600, 5, 1);
      cpio.file("e", 0644, new byte[0]);
    }

    List<Entry> entries = read(bytes.toByteArray());

    assertThat(entries)
        .extracting(Entry::name)
        .containsExactly("bin", "bin/hello", "bin/sh", "dev/console", "e");
    assertThat(entries.get(0).mode()).isEqualTo(0040755);
    assertThat(entries.get(1).mode()).isEqualTo(0100755);
    assertThat(new String(entries.get(1).data(), StandardCharsets.UTF_8))
        .isEqualTo("#!/bin/sh\necho hi\n");
    assertThat(entries.get(2).mode()).isEqualTo(0120777);
    assertThat(new String(entries.get(2).data(), StandardCharsets.UTF_8)).isEqualTo("busybox");
    assertThat(entries.get(3).mode()).isEqualTo(0020600);
    assertThat(entries.get(3).rdevMajor()).isEqualTo(5);
    assertThat(entries.get(3).rdevMinor()).isEqualTo(1);
    assertThat(entries.get(4).data()).isEmpty();
    assertThat(entries).extracting(e -> e.fields()[0]).doesNotHaveDuplicates();
    assertThat(entries).allSatisfy(e -> assertThat(e.fields()[2]).as("uid").isZero());
  }

  @Test
  void theSameInputGivesTheSameBytes() throws IOException {
    assertThat(archiveOf("x")).isEqualTo(archiveOf("x"));
  }

  @Test
  void absoluteNamesAndTheTrailersNameAreRefused() {
    NewcCpioWriter cpio = new NewcCpioWriter(new ByteArrayOutputStream());
    assertThatThrownBy(() -> cpio.directory("/bin", 0755))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cpio.directory(NewcCpioWriter.TRAILER, 0755))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nothingCanBeAddedAfterTheTrailer() throws IOException {
    NewcCpioWriter cpio = new NewcCpioWriter(new ByteArrayOutputStream());
    cpio.finish();
    assertThatThrownBy(() -> cpio.directory("bin", 0755)).isInstanceOf(IllegalStateException.class);
  }

  private static byte[] archiveOf(String contents) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (NewcCpioWriter cpio = new NewcCpioWriter(bytes)) {
      cpio.file("init", 0755, contents.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}

package dev.cgroupns.testbed.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarWriterTest {

  @Test
  void aHeaderHasUstarFieldsAndAValidChecksum() {
    byte[] h = TarWriter.header("opt/java/bin/java", 0755, 12345, '0', "");

    assertThat(field(h, 0, 100)).isEqualTo("opt/java/bin/java");
    assertThat(field(h, 100, 8)).isEqualTo("0000755");
    assertThat(field(h, 108, 8)).isEqualTo("0000000");
    assertThat(Long.parseLong(field(h, 124, 12), 8)).isEqualTo(12345);
    assertThat(field(h, 257, 6)).isEqualTo("ustar");
    long sum = 0;
    for (int i = 0; i < h.length; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
    }
    assertThat(Long.parseLong(field(h, 148, 6), 8)).isEqualTo(sum);
  }

  @Test
  void aLongNameIsSplitAtASlashIntoThePrefix() {
    String dir = "a/" + "d".repeat(120);
    byte[] h = TarWriter.header(dir + "/file", 0644, 0, '0', "");

    assertThat(field(h, 345, 155)).isEqualTo(dir);
    assertThat(field(h, 0, 100)).isEqualTo("file");
  }

  @Test
  void namesThatUstarCannotHoldAreRefused() {
    assertThatThrownBy(() -> TarWriter.header("x".repeat(101), 0644, 0, '0', ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TarWriter.header("caf\u00e9", 0644, 0, '0', ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theHostsTarReadsWhatItWrites(@TempDir Path dir) throws Exception {
    Path archive = dir.resolve("t.tar");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter tar = new TarWriter(bytes)) {
      tar.directory("tmp", 01777);
      tar.file("etc/passwd", 0644, "root:x:0:0::/:/bin/false\n".getBytes(StandardCharsets.UTF_8));
      tar.symlink("lib/LICENSE", "../java.base/LICENSE");
    }
    Files.write(archive, bytes.toByteArray());
    assertThat(bytes.size() % 512).isZero();

    String listing = CommandRunner.run(List.of("tar", "-tvf", archive.toString()));

    assertThat(listing)
        .contains("drwxrwxrwt root/root")
        .contains("-rw-r--r-- root/root        25 1970-01-01 00:00 etc/passwd")
        .contains("lib/LICENSE -> ../java.base/LICENSE");
  }

  private static String field(byte[] header, int offset, int length) {
    String s = new String(header, offset, length, StandardCharsets.US_ASCII);
    int nul = s.indexOf('\0');
    return nul < 0 ? s : s.substring(0, nul);
  }
}

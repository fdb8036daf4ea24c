package dev.cgroupns.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.inspect.NoSuchProcessException;
import dev.cgroupns.agent.proc.MountTableTooLargeException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void aMountTableTooLargeHasItsOwnDocumentedCode() {
    int code = ExitCodes.of(new MountTableTooLargeException("too many"));

    assertThat(code).isEqualTo(ExitCodes.MOUNT_TABLE_TOO_LARGE).isNotEqualTo(ExitCodes.INTERNAL);
    assertThat(documented(code)).isTrue();
  }

  @Test
  void everyCodeIsDistinctAndDocumented() throws Exception {
    List<Integer> codes = new ArrayList<>();
    for (Field field : ExitCodes.class.getFields()) {
      if (field.getType() == int.class && Modifier.isStatic(field.getModifiers())) {
        codes.add(field.getInt(null));
      }
    }

    assertThat(codes).doesNotHaveDuplicates().hasSizeGreaterThan(10);
    assertThat(codes).allMatch(ExitCodesTest::documented);
  }

  @Test
  void noFailureMapsToTheCodeTheJvmExitsWithWhenOutOfMemory() {
    for (Throwable failure :
        List.of(
            new NotAContainerException(42),
            new NoSuchProcessException(42),
            new MountTableTooLargeException("x"),
            new IllegalStateException("x"))) {
      assertThat(ExitCodes.of(failure)).isNotEqualTo(ExitCodes.JVM_OUT_OF_MEMORY);
    }
  }

  /** The reserved code is the one a real JVM under the DaemonSet's flag exits with. */
  @Test
  void theJvmExitsWithTheReservedCodeWhenItRunsOutOfMemory() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process jvm =
        new ProcessBuilder(
                java.toString(),
                "-Xmx16m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                Hog.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();

    assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(jvm.exitValue()).isEqualTo(ExitCodes.JVM_OUT_OF_MEMORY);
  }

  private static boolean documented(int code) {
    return Arrays.stream(ExitCodes.FOOTER)
        .anyMatch(l -> l.startsWith(String.format("  %-2d ", code)));
  }

  /** Allocates until the heap is gone. */
  public static final class Hog {
    public static void main(String[] args) {
      List<long[]> kept = new ArrayList<>();
      while (true) {
        kept.add(new long[1 << 16]);
      }
    }
  }
}

package dev.cgroupns.testbed.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SharedLibrariesTest {

  @Test
  void lddOutputGivesTheFilesFoundAndTheNamesNotFound() {
    SharedLibraries.Ldd ldd =
        SharedLibraries.parseLdd(
            """
            \tlinux-vdso.so.1 (0x00007ffd1a3f2000)
            \tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f0c1c8f0000)
            \tlibjli.so => /rt/bin/../lib/libjli.so (0x00007f0c1c8e0000)
            \tlibjvm.so => not found
            \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0c1c600000)
            \t/lib64/ld-linux-x86-64.so.2 (0x00007f0c1c930000)
            """);

    assertThat(ldd.found())
        .containsExactly(
            "/lib/x86_64-linux-gnu/libz.so.1",
            "/rt/bin/../lib/libjli.so",
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib64/ld-linux-x86-64.so.2");
    assertThat(ldd.notFound()).containsExactly("libjvm.so");
  }

  @Test
  void aStaticProgramNeedsNothing() {
    SharedLibraries.Ldd ldd = SharedLibraries.parseLdd("\tnot a dynamic executable\n");

    assertThat(ldd.found()).isEmpty();
    assertThat(ldd.notFound()).isEmpty();
  }
}

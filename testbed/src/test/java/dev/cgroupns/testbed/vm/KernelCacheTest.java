package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCacheTest {

  @Test
  void theKernelPackageIsWhatTheMetaPackageDependsOn() {
    String aptCacheDepends =
        "linux-image-amd64\n  Depends: linux-image-6.1.0-57-amd64\n  Recommends: firmware-linux\n";

    assertThat(KernelCache.dependency(aptCacheDepends)).hasValue("linux-image-6.1.0-57-amd64");
    assertThat(KernelCache.dependency("linux-image-amd64\n")).isEmpty();
  }

  @Test
  void aCompleteCacheEntryIsUsedWithoutAskingApt(@TempDir Path root) throws IOException {
    Path entry = root.resolve("linux-image-6.1.0-99-amd64");
    Files.createDirectories(entry.resolve("modules"));
    Files.writeString(entry.resolve("vmlinuz"), "kernel");
    for (String module : KernelCache.MODULES) {
      Files.writeString(entry.resolve("modules/" + module + ".ko"), module);
    }

    KernelCache.Kernel kernel = new KernelCache(root).kernel();

    assertThat(kernel.packageName()).isEqualTo("linux-image-6.1.0-99-amd64");
    assertThat(kernel.vmlinuz()).isEqualTo(entry.resolve("vmlinuz"));
    assertThat(kernel.module("9p")).hasContent("9p");
  }

  @Test
  void anEntryMissingAModuleIsNotAKernel(@TempDir Path root) throws IOException {
    Path entry = root.resolve("linux-image-6.1.0-99-amd64");
    Files.createDirectories(entry.resolve("modules"));
    Files.writeString(entry.resolve("vmlinuz"), "kernel");

    assertThat(new KernelCache(root).cached("linux-image-6.1.0-99-amd64")).isEmpty();
  }

  @Test
  void somethingElseThanAKernelPackageNameIsRefused(@TempDir Path root) {
    assertThatThrownBy(() -> new KernelCache(root).download("../etc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KernelCache(root).cached("linux-image-amd64"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

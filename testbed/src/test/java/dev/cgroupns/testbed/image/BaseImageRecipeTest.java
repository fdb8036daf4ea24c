package dev.cgroupns.testbed.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseImageRecipeTest {

  @Test
  void anArchiveIsKeptOnlyWhileItsInputsAndLibrariesAreUnchanged(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("base.tar");
    Path lib = dir.resolve("libc.so.6");
    Files.writeString(lib, "elf");
    String inputs = BaseImageRecipe.inputs("localhost/base:1");
    assertThat(inputs).contains("java.home", "class " + JreBaseImage.class.getName());

    assertThat(BaseImageRecipe.stillValid(out, inputs)).isEmpty();
    Files.writeString(out, "archive");
    Files.writeString(BaseImageRecipe.fileFor(out), BaseImageRecipe.of(inputs, List.of(lib)));
    assertThat(BaseImageRecipe.stillValid(out, inputs)).isPresent();

    assertThat(BaseImageRecipe.stillValid(out, BaseImageRecipe.inputs("localhost/base:2")))
        .as("another tag")
        .isEmpty();
    Files.setLastModifiedTime(lib, FileTime.fromMillis(0));
    assertThat(BaseImageRecipe.stillValid(out, inputs)).as("the library changed").isEmpty();
    Files.delete(lib);
    assertThat(BaseImageRecipe.stillValid(out, inputs)).as("the library is gone").isEmpty();
  }
}

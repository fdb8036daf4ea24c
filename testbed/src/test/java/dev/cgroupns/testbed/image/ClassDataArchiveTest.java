package dev.cgroupns.testbed.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.testbed.image.fixture.ArchivedMain;
import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {

  private static final String MAIN = ArchivedMain.class.getName();

  @TempDir Path dir;

  @Test
  void classPathEntriesMustBeRelativeJarsBelowTheWorkingDirectory() {
    assertThat(ClassDataArchive.entries("classpath/agent.jar:libs/a-1.0.jar"))
        .containsExactly("classpath/agent.jar", "libs/a-1.0.jar");

    for (String bad :
        List.of("/app/libs/a.jar", "libs/../../etc/a.jar", "libs/*", "classes", "libs/a.jar:")) {
      assertThatThrownBy(() -> ClassDataArchive.entries(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a relative path of a jar");
    }
  }

  @Test
  void eachEntryIsTheBuildsJarOfTheSameName() {
    Map<String, Path> sources =
        ClassDataArchive.sources(
            List.of("classpath/agent.jar", "libs/a.jar"),
            List.of("/m2/a/1/a.jar", "/build/target/agent.jar", "/m2/unused.jar"));

    assertThat(sources)
        .containsExactly(
            Map.entry("classpath/agent.jar", Path.of("/build/target/agent.jar")),
            Map.entry("libs/a.jar", Path.of("/m2/a/1/a.jar")));
    assertThatThrownBy(
            () -> ClassDataArchive.sources(List.of("libs/b.jar"), List.of("/m2/a/1/a.jar")))
        .hasMessageContaining("libs/b.jar has no jar of that name");
    assertThatThrownBy(
            () ->
                ClassDataArchive.sources(
                    List.of("libs/a.jar"), List.of("/m2/x/a.jar", "/m2/y/a.jar")))
        .hasMessageContaining("two jars of the build are named a.jar");
  }

  @Test
  void theClassLoadLogTellsArchivedClassesFromParsedOnes() {
    String log =
        """
        [0.010s][info][class,load] java.lang.Object source: shared objects file
        [0.200s][info][class,load] a.Main source: file:/app/libs/a.jar
        [0.210s][info][class,load] a.MainHelper source: shared objects file
        """;

    assertThat(ClassDataArchive.loadedFromArchive(log, "java.lang.Object")).isTrue();
    assertThat(ClassDataArchive.loadedFromArchive(log, "a.Main")).isFalse();
    assertThat(ClassDataArchive.loadedFromArchive(log, "a.MainHelper")).isTrue();
  }

  /**
   * With this JVM: the archive made from a staged copy maps for the jar where an image has it, with
   * the image's file time, run from another directory with the same relative class path; and it
   * does not for a jar of another modification time, which is why the copies are staged.
   */
  @Test
  void theArchiveMapsWhereTheImageHoldsTheJarsAndOnlyThere() throws IOException {
    Path jar = fixtureJar(dir.resolve("build/app.jar"));
    Path classList = dir.resolve("app.classlist");
    // One missing class in 22 is within what a fresh list has (dynamic proxies).
    List<String> jdk =
        List.of(
            "Object",
            "String",
            "System",
            "Thread",
            "Class",
            "Integer",
            "Long",
            "Math",
            "StringBuilder",
            "Runtime",
            "Throwable",
            "Exception",
            "RuntimeException",
            "Error",
            "Number",
            "Boolean",
            "Character",
            "Byte",
            "Short",
            "Double");
    StringBuilder list = new StringBuilder();
    jdk.forEach(c -> list.append("java/lang/").append(c).append('\n'));
    list.append(MAIN.replace('.', '/')).append("\nno/such/Class\n");
    Files.writeString(classList, list);
    Path archive = dir.resolve("out/cds/app.jsa");
    String javaHome = System.getProperty("java.home");

    ClassDataArchive.main(
        new String[] {
          javaHome, classList.toString(), archive.toString(), "libs/app.jar", jar.toString(), MAIN
        });

    assertThat(archive).isRegularFile();
    // The staged jars are beside the archive's directory, which goes into an image as it is.
    try (var files = Files.list(dir.resolve("out/cds"))) {
      assertThat(files.toList()).containsExactly(archive);
    }
    assertThat(ClassDataArchive.listedClasses(classList)).isEqualTo(22);
    assertThat(dir.resolve("out/cds.stage").resolve(ClassDataArchive.CLASS_PATH_FILE))
        .hasContent("libs/app.jar");

    Path image = dir.resolve("image/app");
    Files.createDirectories(image.resolve("libs"));
    Files.copy(jar, image.resolve("libs/app.jar"));
    Files.setLastModifiedTime(image.resolve("libs/app.jar"), ClassDataArchive.IMAGE_FILE_TIME);
    String log = runShared(image, archive);
    assertThat(log).contains("archived main ran with x");
    assertThat(ClassDataArchive.loadedFromArchive(log, MAIN)).as(log).isTrue();

    Files.setLastModifiedTime(image.resolve("libs/app.jar"), FileTime.fromMillis(5_000));
    assertThatThrownBy(() -> runShared(image, archive))
        .isInstanceOf(CommandRunner.CommandFailedException.class);
  }

  @Test
  void aListWhoseClassesAreMostlyGoneIsRefusedAsStale() throws IOException {
    Path jar = fixtureJar(dir.resolve("build/app.jar"));
    Path classList = dir.resolve("stale.classlist");
    StringBuilder list = new StringBuilder("java/lang/Object\n" + MAIN.replace('.', '/') + "\n");
    for (int i = 0; i < 3; i++) {
      list.append("gone/Class").append(i).append('\n');
    }
    Files.writeString(classList, list);

    assertThatThrownBy(
            () ->
                ClassDataArchive.main(
                    new String[] {
                      System.getProperty("java.home"),
                      classList.toString(),
                      dir.resolve("out/cds/app.jsa").toString(),
                      "libs/app.jar",
                      jar.toString(),
                      MAIN
                    }))
        .hasMessageContaining("3 of the 5 classes")
        .hasMessageContaining("gone/Class0")
        .hasMessageContaining("the list is stale");
  }

  private static String runShared(Path workingDir, Path archive) {
    return CommandRunner.runIn(
        workingDir,
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xshare:on",
            "-XX:SharedArchiveFile=" + archive,
            "-Xlog:class+load=info:stdout",
            "-cp",
            "libs/app.jar",
            MAIN,
            "x"),
        60);
  }

  /** A jar holding only {@link ArchivedMain}, from this module's compiled test classes. */
  private static Path fixtureJar(Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    Path classes =
        Path.of(ArchivedMain.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    String entry = MAIN.replace('.', '/') + ".class";
    ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
    int code =
        tool.run(
            System.out,
            System.err,
            "--create",
            "--file",
            jar.toString(),
            "-C",
            classes.toString(),
            entry);
    assertThat(code).isZero();
    return jar;
  }
}

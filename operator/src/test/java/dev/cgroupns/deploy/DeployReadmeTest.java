package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The commands in manifests/README.md name kustomizations and files that exist. */
class DeployReadmeTest {

  private static String readme;

  @BeforeAll
  static void read() throws IOException {
    readme = Files.readString(RepositoryLayout.manifests().resolve("README.md"));
  }

  @Test
  void everyKustomizationItAppliesRenders() {
    Set<String> dirs = captured("kubectl (?:apply|diff|delete|kustomize) -k (manifests/[\\w/.-]+)");
    dirs.addAll(captured("kubectl kustomize (manifests/[\\w/.-]+)"));
    assertThat(dirs).contains("manifests/base", "manifests/samples");
    for (String dir : dirs) {
      Path path = RepositoryLayout.root().resolve(dir);
      assertThat(Kustomize.render(path).objects()).as(dir).isNotEmpty();
    }
  }

  @Test
  void everyOverlayIsDocumented() {
    for (Path dir : RepositoryLayout.kustomizations()) {
      assertThat(readme).contains(RepositoryLayout.label(dir) + "/");
    }
  }

  @Test
  void theFilesItNamesExist() {
    Set<String> files = captured("(?:--patch-file|-f) (manifests/[\\w/.-]+)");
    assertThat(files).isNotEmpty();
    for (String file : files) {
      assertThat(RepositoryLayout.root().resolve(file)).as(file).isRegularFile();
    }
  }

  @Test
  void theImageTarballsItLoadsAreTheOnesTheProfileWrites() throws IOException {
    for (String module : new String[] {"operator", "node-agent"}) {
      assertThat(readme).contains("kind load image-archive " + module + "/target/jib-image.tar");
      String pom = Files.readString(RepositoryLayout.root().resolve(module).resolve("pom.xml"));
      assertThat(pom).contains("<tar>${project.build.directory}/jib-image.tar</tar>");
    }
  }

  private static Set<String> captured(String regex) {
    Set<String> found = new LinkedHashSet<>();
    Matcher m = Pattern.compile(regex).matcher(readme);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}

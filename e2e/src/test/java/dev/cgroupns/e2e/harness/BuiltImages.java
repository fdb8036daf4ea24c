package dev.cgroupns.e2e.harness;

import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.testbed.cluster.TestClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image archives this build wrote (each module's {@code images} profile), found in the
 * checkout. Missing, a test skips outside CI and fails in CI, where bin/test builds them.
 */
public final class BuiltImages {

  private BuiltImages() {}

  /** {@code module}/target/jib-image.tar; its size is printed (a figure, not a check). */
  public static Path archive(String module) {
    Path tar = TestClusters.checkout().resolve(module).resolve("target/jib-image.tar");
    Requirements.require(
        Files.isRegularFile(tar),
        "needs " + tar + ", which the images profile builds: mvn -Pimages verify (bin/test does)");
    try {
      System.out.printf("%s image: %s, %d MiB%n", module, tar, Files.size(tar) >> 20);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tar;
  }
}

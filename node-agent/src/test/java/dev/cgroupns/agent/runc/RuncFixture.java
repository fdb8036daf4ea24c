package dev.cgroupns.agent.runc;

import dev.cgroupns.agent.testing.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Owns everything a runc test creates: the work directory, a {@link TestCgroupTree} and the
 * containers. {@link #close} deletes the containers, then their cgroups, then the files, even when
 * the test failed half-way.
 */
public final class RuncFixture implements AutoCloseable {
  private final Path workDir;
  private final TestCgroupTree cgroups;
  private final List<RuncContainer> containers = new ArrayList<>();

  private RuncFixture(Path workDir, TestCgroupTree cgroups) {
    this.workDir = workDir;
    this.cgroups = cgroups;
  }

  /** Checks root, runc and busybox (skips outside CI, fails in CI) and prepares a work dir. */
  public static RuncFixture create() {
    Requirements.requireRunc();
    Requirements.requireBusybox();
    try {
      return new RuncFixture(Files.createTempDirectory("cgns-runc"), TestCgroupTree.create());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RuncContainer start(ContainerSpec spec) {
    RuncContainer container = RuncContainer.start(workDir, cgroups, spec);
    containers.add(container);
    return container;
  }

  public Path workDir() {
    return workDir;
  }

  public TestCgroupTree cgroups() {
    return cgroups;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (RuncContainer container : containers) {
      try {
        container.close();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    try {
      cgroups.close();
    } catch (RuntimeException e) {
      failure = e;
    }
    try (Stream<Path> walk = Files.walk(workDir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      failure = new UncheckedIOException(e);
    }
    if (failure != null) {
      throw failure;
    }
  }
}

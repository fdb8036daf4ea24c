package dev.cgroupns.agent.runc;

import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.testbed.runc.BusyboxRootfs;
import dev.cgroupns.testbed.runc.CgroupHierarchies;
import dev.cgroupns.testbed.runc.CgroupRoot;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import dev.cgroupns.testbed.runc.LeftoverSweeper;
import dev.cgroupns.testbed.runc.OciConfig;
import dev.cgroupns.testbed.runc.RuncRuntime;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real runc containers for a test (the testbed's {@link RuncRuntime}), and everything they need: a
 * claimed work directory and a {@link CgroupRoot} under the test process's own cgroups. {@link
 * #close} deletes the containers, then their cgroups, then the files, even when the test failed
 * half-way; what a killed test run left behind is swept by the next one.
 */
public final class RuncFixture implements AutoCloseable {
  private static final String RUNC = "/usr/sbin/runc";
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path workDir;
  private final CgroupRoot cgroups;
  private final RuncRuntime runtime;

  private RuncFixture(Path workDir, CgroupRoot cgroups) {
    this.workDir = workDir;
    this.cgroups = cgroups;
    this.runtime = new RuncRuntime(RUNC, workDir, new BusyboxRootfs(BUSYBOX), cgroups);
  }

  /** Checks root, runc and busybox (skips outside CI, fails in CI) and prepares a work dir. */
  public static RuncFixture create() {
    Requirements.requireRunc();
    Requirements.requireBusybox();
    new LeftoverSweeper(
            Path.of(System.getProperty("java.io.tmpdir")), CgroupHierarchies.mounted(), RUNC)
        .sweep(System.err::println);
    Path workDir = LeftoverSweeper.newWorkDir();
    CgroupRoot cgroups = CgroupRoot.create("test", randomHex(4));
    LeftoverSweeper.recordCgroupRoot(workDir, cgroups);
    return new RuncFixture(workDir, cgroups);
  }

  /** Starts a container for a new pod UID. */
  public DemoContainer start(ContainerSpec spec) {
    return start(spec, UUID.randomUUID().toString());
  }

  /**
   * Starts a container in the cgroup of pod {@code podUid}, as kubelet places a pod's containers.
   */
  public DemoContainer start(ContainerSpec spec, String podUid) {
    return runtime.start("cgns-" + randomHex(4), podUid, spec);
  }

  /**
   * Runs an image archive's process to its end in a container of its own, the image's layers as its
   * root filesystem, and returns its stdout (see {@link RuncRuntime#runImage}).
   */
  public String runImage(Path archive, List<String> args, OciConfig.ImageRole role) {
    return runImage(archive, args, Map.of(), role);
  }

  /** As {@link #runImage(Path, List, OciConfig.ImageRole)}, {@code env} added to the image's. */
  public String runImage(
      Path archive, List<String> args, Map<String, String> env, OciConfig.ImageRole role) {
    return runtime.runImage("img-" + randomHex(4), archive, args, env, role);
  }

  /**
   * Starts an image archive's process detached, {@code env} added to the image's; {@link #close}
   * deletes it with the rest. Returns the container's name.
   */
  public String startImage(
      Path archive, List<String> args, Map<String, String> env, OciConfig.ImageRole role) {
    String name = "img-" + randomHex(4);
    runtime.startImage(name, archive, args, env, role);
    return name;
  }

  /**
   * Creates a container for a new pod UID without starting it: its init waits for {@link
   * #startCreated} (see {@link RuncRuntime#create}).
   */
  public DemoContainer create(ContainerSpec spec) {
    return runtime.create("cgns-" + randomHex(4), UUID.randomUUID().toString(), spec);
  }

  /** Starts a container made by {@link #create}. */
  public void startCreated(DemoContainer container) {
    runtime.startCreated(container);
  }

  /** Runs a command in the container with CAP_SYS_ADMIN added, as a privileged pod's may. */
  public String execAsAdmin(DemoContainer container, String... command) {
    return runtime.execWith(container, List.of("CAP_SYS_ADMIN"), command);
  }

  /** The container's init process as the agent identifies it (pid and start time). */
  public static ProcessIdentity identity(DemoContainer container) {
    return ProcFs.host().identity(container.pid()).orElseThrow();
  }

  public Path workDir() {
    return workDir;
  }

  public CgroupRoot cgroups() {
    return cgroups;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    try {
      runtime.deleteAll();
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      cgroups.close();
    } catch (RuntimeException e) {
      failure = e;
    }
    if (failure != null) {
      // The work directory stays: it is what the next run's sweep needs to finish the job.
      throw failure;
    }
    LeftoverSweeper.deleteWorkDir(workDir);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}

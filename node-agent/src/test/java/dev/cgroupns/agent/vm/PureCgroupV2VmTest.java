package dev.cgroupns.agent.vm;

import dev.cgroupns.testbed.vm.VirtualMachine;
import dev.cgroupns.testbed.vm.VmTestSuite;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's kernel tests on the layout most nodes have: a pure cgroup v2 kernel (Debian's, booted
 * with {@code cgroup_no_v1=all} under qemu), cgroup2 at /sys/fs/cgroup with nsdelegate and every
 * controller enabled, the host's files shared read-only. The chosen classes run inside as root with
 * CI=true, on this module's own test class path; {@code -Dvm.tests=a.B,c.D} runs others.
 */
class PureCgroupV2VmTest {

  /**
   * The kernel test classes, whose expectations follow the layout ({@code HostLayout}). Not here:
   * SymlinkAtMountPointRuncTest, whose attack needs runc's v1 tmpfs at /sys/fs/cgroup (on v2 the
   * mount point is in sysfs, where no link can be planted).
   */
  static final List<String> KERNEL_TESTS =
      List.of(
          "dev.cgroupns.agent.cli.NodeAgentCliRuncTest",
          "dev.cgroupns.agent.isolate.IsolationRuncTest",
          "dev.cgroupns.agent.isolate.IsolationFaultRuncTest",
          "dev.cgroupns.agent.isolate.SharedSourcePropagationRuncTest",
          "dev.cgroupns.agent.isolate.StateStoreLockAcrossProcessesTest",
          "dev.cgroupns.agent.inspect.ContainerInspectorRuncTest",
          "dev.cgroupns.agent.cgroup.NamespacePathsKernelTest",
          "dev.cgroupns.agent.discovery.ContainerProcessFinderKernelTest",
          "dev.cgroupns.agent.discovery.ForkHeavyPodTest",
          "dev.cgroupns.agent.isolate.MountTableBombRuncTest",
          "dev.cgroupns.agent.kernel.NamespaceThreadTest",
          "dev.cgroupns.agent.daemon.DaemonRuncTest");

  /**
   * Software emulation on one host thread is slow (17.5 min measured on a busy machine; 8 min with
   * a thread per CPU before): a generous deadline, only so a hung VM cannot hang the build.
   */
  private static final Duration TIMEOUT = Duration.ofMinutes(35);

  @Test
  void kernelTestsPassOnPureCgroupV2() {
    VirtualMachine vm = VirtualMachine.standard();
    vm.requireAvailable();
    Path module = Path.of("").toAbsolutePath();
    VmTestSuite suite =
        new VmTestSuite(
            vm,
            module.resolve("target/vm/junit-platform-console-standalone.jar"),
            testClasspath(),
            module);
    VmTestSuite.Outcome outcome =
        suite.run(selected(), module.resolve("target/vm-reports"), TIMEOUT);
    System.out.println("cgroup v2 VM: " + outcome.summary());
    outcome.tests().forEach(System.out::println);
    outcome.assertAllPassed();
  }

  private static List<String> selected() {
    String override = System.getProperty("vm.tests", "").strip();
    return override.isEmpty() ? KERNEL_TESTS : Arrays.asList(override.split(","));
  }

  /**
   * Surefire names the test class path in a property of its own (java.class.path is its booter).
   */
  private static List<Path> testClasspath() {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(cp.split(File.pathSeparator))
        .filter(s -> !s.isEmpty())
        .map(Path::of)
        .toList();
  }
}

package dev.cgroupns.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.nri.api.ContainerAdjustment;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.LinuxNamespace;
import dev.cgroupns.nri.api.Mount;
import dev.cgroupns.nri.testing.GoNriRuntime;
import dev.cgroupns.nri.testing.TargetingPlugin;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The library against the runtime side of NRI from the nri Go module itself, the code containerd
 * runs: registration, configuration, synchronization, CreateContainer answers small and large (the
 * large one split into frames the Go reader accepts), an error, a removal event and shutdown.
 */
class GoRuntimeInteropTest {

  @Test
  void theGoRuntimeDrivesTheJavaPlugin() throws Exception {
    TargetingPlugin plugin = new TargetingPlugin();
    try (GoNriRuntime runtime = GoNriRuntime.start();
        PluginConnection connection =
            PluginConnection.connect(runtime.socket(), "interop", "20", plugin)) {
      assertThat(runtime.nextLine()).isEqualTo("synchronized");
      assertThat(connection.requestTimeout()).isEqualTo(Duration.ofSeconds(2));

      // The runtime merges what plugins answer: a removal followed by an addition at the same
      // destination is a replacement, so the merged adjustment keeps only the new mount.
      ContainerAdjustment target = response(runtime.nextLine(), "create-target").getAdjust();
      assertThat(target.getMountsList())
          .extracting(Mount::getDestination)
          .containsExactly("/sys/fs/cgroup");
      assertThat(target.getMounts(0).getOptionsList()).containsExactly("ro");
      assertThat(target.getLinux().getNamespacesList())
          .extracting(LinuxNamespace::getType)
          .containsExactly("cgroup");

      ContainerAdjustment big = response(runtime.nextLine(), "create-big").getAdjust();
      assertThat(big.getEnvCount()).isEqualTo(TargetingPlugin.BIG_ENV);

      assertThat(runtime.nextLine())
          .startsWith("create-refused-error ")
          .contains("refused on purpose");
      // No adjustment from the plugin: the runtime's merged one has nothing in it.
      ContainerAdjustment other = response(runtime.nextLine(), "create-other").getAdjust();
      assertThat(other.getMountsList()).isEmpty();
      assertThat(other.getEnvList()).isEmpty();
      assertThat(other.getLinux().getNamespacesList()).isEmpty();

      assertThat(runtime.nextLine()).isEqualTo("removed");
      assertThat(runtime.nextLine()).isEqualTo("stopped");
      assertThat(runtime.exitCode()).as(runtime.log()).isZero();

      assertThat(plugin.seen)
          .containsSubsequence(
              "configure go-nri-runtime 2000",
              "synchronize 1 pods, 1 containers",
              "create target",
              "create big",
              "create refused",
              "create other",
              "removed running");
    }
  }

  private static CreateContainerResponse response(String line, String step) throws Exception {
    assertThat(line).startsWith(step + " ");
    return CreateContainerResponse.parseFrom(
        Base64.getDecoder().decode(line.substring(step.length() + 1)));
  }
}

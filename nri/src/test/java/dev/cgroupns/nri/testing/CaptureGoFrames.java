package dev.cgroupns.nri.testing;

import dev.cgroupns.nri.PluginConnection;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records what the Go runtime side of NRI (src/test/go/nri-runtime) and the test plugin send each
 * other, into the files {@code CapturedFramesTest} decodes. Rerun after changing either side, from
 * the nri directory: {@code mvn -B -ntp test-compile exec:java
 * -Dexec.mainClass=dev.cgroupns.nri.testing.CaptureGoFrames -Dexec.classpathScope=test}.
 */
public final class CaptureGoFrames {

  public static final Path DIRECTORY = Path.of("src/test/resources/captured");
  public static final Path FROM_RUNTIME = DIRECTORY.resolve("go-runtime-to-plugin.bin");
  public static final Path FROM_PLUGIN = DIRECTORY.resolve("plugin-to-go-runtime.bin");

  private CaptureGoFrames() {}

  public static void main(String[] args) throws Exception {
    try (GoNriRuntime runtime = GoNriRuntime.start();
        RecordingProxy proxy = RecordingProxy.to(runtime.socket())) {
      try (PluginConnection connection =
          PluginConnection.connect(proxy.socket(), "capture", "30", new TargetingPlugin())) {
        for (String line = runtime.nextLine(); !line.equals("stopped"); ) {
          line = runtime.nextLine();
        }
        connection.closed().join();
      }
      proxy.awaitEnd();
      Files.createDirectories(DIRECTORY);
      Files.write(FROM_RUNTIME, proxy.fromRuntime());
      Files.write(FROM_PLUGIN, proxy.fromPlugin());
      System.out.printf(
          "captured %d bytes from the Go runtime and %d from the plugin in %s%n",
          proxy.fromRuntime().length, proxy.fromPlugin().length, DIRECTORY);
    }
  }
}

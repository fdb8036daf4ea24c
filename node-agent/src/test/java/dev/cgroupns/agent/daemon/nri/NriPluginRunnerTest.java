package dev.cgroupns.agent.daemon.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.nri.EventMask;
import dev.cgroupns.nri.Plugin;
import dev.cgroupns.nri.api.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NriPluginRunnerTest {
  private static final Plugin PLUGIN = request -> EventMask.of(Event.CREATE_CONTAINER);

  @TempDir Path dir;

  private final List<String> told = new CopyOnWriteArrayList<>();

  @Test
  void aMissingSocketIsToldOnceAndRetriedQuietly() throws Exception {
    try (NriPluginRunner runner =
        new NriPluginRunner(dir.resolve("nri.sock"), "10", PLUGIN, this::record)) {
      runner.start();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !told.isEmpty());
      // Two backoffs later it has tried again, and said nothing more.
      Thread.sleep(NriPluginRunner.FIRST_BACKOFF.multipliedBy(3).toMillis());
      assertThat(runner.connected()).isFalse();
    }
    assertThat(told).singleElement().asString().startsWith("false: no NRI socket at");
  }

  @Test
  void aSocketThatRefusesIsToldOnceWithTheReason() throws Exception {
    Path notASocket = Files.createFile(dir.resolve("nri.sock"));
    try (NriPluginRunner runner = new NriPluginRunner(notASocket, "10", PLUGIN, this::record)) {
      runner.start();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !told.isEmpty());
    }
    assertThat(told).singleElement().asString().contains("cannot register the NRI plugin");
  }

  private void record(boolean connected, String why) {
    told.add(connected + ": " + why);
  }
}

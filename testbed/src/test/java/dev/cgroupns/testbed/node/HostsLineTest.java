package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsLineTest {

  @TempDir Path dir;

  @Test
  void addsItsLineOnceAndRemovesOnlyIt() throws IOException {
    Path file = dir.resolve("hosts");
    Files.writeString(file, "127.0.0.1 localhost\n10.0.0.1 other # kept\n");
    HostsLine hosts = new HostsLine(file);

    hosts.add("node-a");
    hosts.add("node-a");
    assertThat(Files.readAllLines(file))
        .containsExactly(
            "127.0.0.1 localhost", "10.0.0.1 other # kept", HostsLine.lineFor("node-a"));
    assertThat(hosts.present("node-a")).isTrue();

    hosts.remove("node-a");
    assertThat(file).hasContent("127.0.0.1 localhost\n10.0.0.1 other # kept\n");
    assertThat(hosts.present("node-a")).isFalse();
  }

  @Test
  void rewritesTheFileInPlace() throws IOException {
    // /etc/hosts is often a bind mount in a container: its inode must stay.
    Path file = dir.resolve("hosts");
    Files.writeString(file, "127.0.0.1 localhost\n");
    Object inode = Files.getAttribute(file, "unix:ino");
    new HostsLine(file).add("node-b");
    assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
  }
}

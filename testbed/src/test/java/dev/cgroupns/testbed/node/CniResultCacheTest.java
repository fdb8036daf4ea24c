package dev.cgroupns.testbed.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CniResultCacheTest {
  private static final Path NODE = Path.of("/tmp/cgroupns-node-7");

  private static String result(String netns) {
    return "{\"kind\":\"cniCacheV1\",\"containerId\":\"abc\",\"ifName\":\"lo\","
        + "\"networkName\":\"cni-loopback\",\"netns\":\""
        + netns
        + "\",\"result\":{\"cniVersion\":\"1.0.0\"}}";
  }

  @Test
  void aLoopbackResultForANetnsUnderTheNodeIsTheNodesEvenWhenItsSandboxIsForgotten(
      @TempDir Path results) throws Exception {
    Path file = results.resolve("cni-loopback-abc-lo");
    Files.writeString(
        file, result("/tmp/cgroupns-node-7/containerd/state/io.containerd.grpc.v1.cri/netns/x"));

    assertThat(CniResultCache.isTheNodes(file, "cgroupns-node-7", List.of(), NODE)).isTrue();
  }

  @Test
  void anotherUsersResultStays(@TempDir Path results) throws Exception {
    Path file = results.resolve("cni-loopback-def-lo");
    Files.writeString(file, result("/var/run/netns/cni-1234"));
    Path sibling = results.resolve("cni-loopback-ghi-lo");
    Files.writeString(sibling, result("/tmp/cgroupns-node-70/containerd/state/netns/y"));
    Path escaping = results.resolve("cni-loopback-jkl-lo");
    Files.writeString(escaping, result("/tmp/cgroupns-node-7/../elsewhere/netns/z"));
    Path garbage = results.resolve("cni-loopback-mno-lo");
    Files.writeString(garbage, "not json");

    for (Path other : List.of(file, sibling, escaping, garbage)) {
      assertThat(CniResultCache.isTheNodes(other, "cgroupns-node-7", List.of(), NODE))
          .as(other.toString())
          .isFalse();
    }
  }

  @Test
  void theNodesNetworkAndItsContainersAreFoundByName(@TempDir Path results) throws Exception {
    Path bridge = results.resolve("cgroupns-node-7-abc-eth0");
    Path loopback = results.resolve("cni-loopback-0123abcd-lo");
    Files.writeString(bridge, "{}");
    Files.writeString(loopback, "{}");

    assertThat(CniResultCache.isTheNodes(bridge, "cgroupns-node-7", List.of(), NODE)).isTrue();
    assertThat(CniResultCache.isTheNodes(loopback, "cgroupns-node-7", List.of("0123abcd"), NODE))
        .isTrue();
    assertThat(CniResultCache.isTheNodes(loopback, "cgroupns-node-7", List.of("ffff"), NODE))
        .isFalse();
  }

  @Test
  void onlyAnAbsoluteTextualNetnsCounts() {
    assertThat(CniResultCache.netnsOf("{\"netns\":\"/a/b\"}")).contains("/a/b");
    assertThat(CniResultCache.netnsOf("{\"netns\":\"a/b\"}")).isEmpty();
    assertThat(CniResultCache.netnsOf("{\"netns\":7}")).isEmpty();
    assertThat(CniResultCache.netnsOf("{}")).isEmpty();
    assertThat(CniResultCache.netnsOf("[")).isEmpty();
  }
}

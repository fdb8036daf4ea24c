package dev.cgroupns.testbed.node;

import dev.cgroupns.testbed.runc.CommandRunner;
import java.util.List;

/**
 * The pods' CNI network: a bridge of the node's own name with host-local addresses, recorded in the
 * node's directory, and loopback. The harness makes the bridge itself, with the address {@link
 * #GATEWAY}, so pods reach the host (and through {@link ApiRelay} the API server) by their
 * connected route, there being no kube-proxy. The plugin is told the bridge is no gateway and to
 * masquerade nothing: it changes no route in the pods beyond the connected one, no forwarding
 * sysctl and no iptables rule on the host. The bridge's address adds one connected route on the
 * host, which goes with the bridge when the node is removed.
 */
public final class BridgeNetwork {

  /** The pods' addresses: reachable from the host only, over the bridge. */
  public static final String SUBNET = "10.244.0.0/24";

  /** The bridge's own address, never given to a pod: where pods find the API relay. */
  public static final String GATEWAY = "10.244.0.1";

  /** The port of the API relay on {@link #GATEWAY}; the local overlay names the two. */
  public static final int API_PORT = 6443;

  private BridgeNetwork() {}

  /** The network configuration list for {@code <conf dir>/10-<network>.conflist}. */
  public static String conflist(NodeLayout node) {
    return """
        {
          "cniVersion": "1.0.0",
          "name": "%s",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": false,
              "ipMasq": false,
              "hairpinMode": false,
              "ipam": {
                "type": "host-local",
                "dataDir": "%s",
                "ranges": [[{"subnet": "%s", "rangeStart": "10.244.0.2"}]]
              }
            },
            {"type": "loopback"}
          ]
        }
        """
        .formatted(node.network(), node.bridge(), node.cniIpamDir(), SUBNET);
  }

  /** Creates the bridge with {@link #GATEWAY} and brings it up; the node's cleanup deletes it. */
  static void create(NodeLayout node) {
    CommandRunner.run(List.of("ip", "link", "add", "name", node.bridge(), "type", "bridge"));
    CommandRunner.run(List.of("ip", "addr", "add", GATEWAY + "/24", "dev", node.bridge()));
    CommandRunner.run(List.of("ip", "link", "set", node.bridge(), "up"));
  }
}

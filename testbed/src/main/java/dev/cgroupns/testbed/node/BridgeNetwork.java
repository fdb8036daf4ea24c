package dev.cgroupns.testbed.node;

/**
 * The pods' CNI network: a bridge of the node's own name with host-local addresses, recorded in the
 * node's directory, and loopback. The bridge is no gateway and masquerades nothing, so the plugins
 * change no routes, no forwarding sysctl and no iptables rule on the host; pods need no traffic
 * beyond their own namespace in these tests.
 */
public final class BridgeNetwork {

  /** The pods' addresses: not routed anywhere, since the bridge has no address of its own. */
  public static final String SUBNET = "10.244.0.0/24";

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
                "ranges": [[{"subnet": "%s"}]]
              }
            },
            {"type": "loopback"}
          ]
        }
        """
        .formatted(node.network(), node.bridge(), node.cniIpamDir(), SUBNET);
  }
}

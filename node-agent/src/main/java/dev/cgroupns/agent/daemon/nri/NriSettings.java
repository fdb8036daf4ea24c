package dev.cgroupns.agent.daemon.nri;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where the agent's NRI plugin registers.
 *
 * @param socket the runtime's NRI socket; null: no plugin, containers are isolated by remounting
 * @param index the plugin's two-digit index (the runtime calls plugins in ascending order)
 */
public record NriSettings(Path socket, String index) {
  public static final Path DEFAULT_SOCKET = Path.of("/var/run/nri/nri.sock");
  public static final String DEFAULT_INDEX = "10";
  private static final Pattern INDEX = Pattern.compile("[0-9]{2}");

  public NriSettings {
    if (socket != null && (index == null || !INDEX.matcher(index).matches())) {
      throw new IllegalArgumentException(
          "the NRI plugin index must be two digits, not '" + index + "'");
    }
  }

  /** No plugin: what tests and the sandbox use unless they ask for one. */
  public static NriSettings disabled() {
    return new NriSettings(null, DEFAULT_INDEX);
  }

  public boolean enabled() {
    return socket != null;
  }
}

package dev.cgroupns.testbed.node;

import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The chains the kubelet makes in the host's iptables: {@code KUBE-FIREWALL} (which drops packets
 * to 127.0.0.0/8 from elsewhere, jumped to from INPUT and OUTPUT), and the empty ones by which it
 * notices a flush ({@code KUBE-KUBELET-CANARY}) or tells tools its backend ({@code
 * KUBE-IPTABLES-HINT}). Those present before the kubelet started are recorded and kept; the others
 * are removed, with the jumps to them, after it stopped.
 */
public final class KubeletIptablesChains {

  private static final List<String> TOOLS = List.of("iptables", "ip6tables");
  private static final List<String> TABLES = List.of("mangle", "nat", "filter");
  private static final List<String> CHAINS =
      List.of("KUBE-FIREWALL", "KUBE-KUBELET-CANARY", "KUBE-IPTABLES-HINT");

  private KubeletIptablesChains() {}

  /** Writes the kubelet's chains that exist now to {@code record}. */
  public static void record(Path record) {
    try {
      Files.write(record, present());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Removes the kubelet's chains not in {@code record} (none without one).
   *
   * @return what could not be removed
   */
  public static List<String> removeNew(Path record) {
    List<String> failures = new ArrayList<>();
    List<String> before;
    try {
      before = Files.readAllLines(record);
    } catch (IOException e) {
      // Without a record (a second cleanup, or none was written) no chain is known to be new.
      return failures;
    }
    for (String entry : present()) {
      if (before.contains(entry)) {
        continue;
      }
      String[] parts = entry.split(" ");
      try {
        for (String jump : jumpsTo(parts[0], parts[1], parts[2])) {
          CommandRunner.run(List.of(parts[0], "-w", "-t", parts[1], "-D", jump, "-j", parts[2]));
        }
        CommandRunner.run(List.of(parts[0], "-w", "-t", parts[1], "-F", parts[2]));
        CommandRunner.run(List.of(parts[0], "-w", "-t", parts[1], "-X", parts[2]));
      } catch (RuntimeException e) {
        failures.add(entry + ": " + e.getMessage());
      }
    }
    return failures;
  }

  /**
   * The chains with a plain jump ({@code -A CHAIN -j TARGET}) to {@code target}, the only kind of
   * rule the kubelet adds for its chains; any other rule naming it makes the removal fail loudly.
   */
  static List<String> jumpsTo(String tool, String table, String target) {
    List<String> from = new ArrayList<>();
    for (String rule : CommandRunner.run(List.of(tool, "-w", "-t", table, "-S")).lines().toList()) {
      String[] words = rule.split(" ");
      if (words.length == 4
          && words[0].equals("-A")
          && words[2].equals("-j")
          && words[3].equals(target)) {
        from.add(words[1]);
      }
    }
    return from;
  }

  /** The kubelet's chains that exist, as {@code tool table chain}. */
  public static List<String> present() {
    List<String> found = new ArrayList<>();
    for (String tool : TOOLS) {
      for (String table : TABLES) {
        String rules;
        try {
          rules = CommandRunner.run(List.of(tool, "-w", "-t", table, "-S"));
        } catch (RuntimeException e) {
          continue; // no such tool or table here: the kubelet cannot have made chains in it
        }
        for (String chain : CHAINS) {
          if (rules.lines().anyMatch(("-N " + chain)::equals)) {
            found.add(tool + " " + table + " " + chain);
          }
        }
      }
    }
    return found;
  }
}

package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.daemon.RunCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The node-agent command line: {@code inspect}, {@code isolate} and {@code revert} one container on
 * this host, as root. The DaemonSet mode is another subcommand of the same entry point.
 */
@Command(
    name = "node-agent",
    mixinStandardHelpOptions = true,
    version = "node-agent 0.1.0",
    description = {
      "Inspect, isolate and revert the cgroup view of containers on this host (run as root)."
    },
    subcommands = {
      InspectCommand.class,
      IsolateCommand.class,
      RevertCommand.class,
      RunCommand.class,
      HelpCommand.class
    })
public final class NodeAgentMain {
  private NodeAgentMain() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams and returns the exit code (tests call this). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return commandLine(out, err).execute(args);
  }

  /** picocli's default for bad input is 2, which here means "no such process". */
  private static void configure(CommandLine command) {
    command.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    command.getCommandSpec().exitCodeOnExecutionException(ExitCodes.INTERNAL);
    command.getCommandSpec().usageMessage().footer(ExitCodes.FOOTER);
  }

  /**
   * The command tree, for callers that add subcommands (the DaemonSet's {@code run}) with {@code
   * addSubcommand} before executing it.
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(NodeAgentMain.class);
    cli.setOut(out);
    cli.setErr(err);
    configure(cli);
    cli.getSubcommands().values().forEach(NodeAgentMain::configure);
    return cli;
  }
}

package dev.cgroupns.agent.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "revert",
    mixinStandardHelpOptions = true,
    description = {
      "Put back the cgroupfs mounts the container had before 'isolate', from the revert record in"
          + " the state directory. Refuses mount points that changed since."
    })
class RevertCommand extends ContainerCommand {
  @Option(names = "--audit", description = "Report what would be reverted; change nothing.")
  boolean audit;

  @Override
  int execute(PrintWriter out) {
    TargetOptions.Target target = options.resolve();
    return report(isolator().revert(target.identity(), audit), target, out);
  }
}

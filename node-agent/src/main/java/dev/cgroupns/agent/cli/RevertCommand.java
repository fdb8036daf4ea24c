package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.isolate.ContainerIsolator;
import dev.cgroupns.agent.isolate.IsolationObserver;
import dev.cgroupns.agent.isolate.IsolationOutcome;
import java.io.PrintWriter;
import java.time.Duration;
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
    ContainerIsolator isolator =
        new ContainerIsolator(
            options.procFs(),
            options.layout(),
            options.store(),
            options.referencePid(),
            Duration.ofSeconds(10),
            IsolationObserver.NONE);
    IsolationOutcome outcome = isolator.revert(target.identity(), audit);
    int exit = ExitCodes.of(outcome.result());
    out.print(
        options.json
            ? Reports.outcomeJson(outcome, target.container(), exit) + "\n"
            : Reports.outcomeText(outcome, target.container()));
    return exit;
  }
}

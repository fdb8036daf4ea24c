package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.inspect.ContainerInspection;
import dev.cgroupns.agent.inspect.ContainerInspector;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show what a container sees: its /proc/self/cgroup lines and cgroupfs mounts as the kernel"
          + " renders them for the container's own cgroup namespace, whether that namespace is"
          + " private, and whether each mount shows only its own subtree and is read-only.",
      "Changes nothing."
    },
    footer = {})
class InspectCommand extends ContainerCommand {
  @Override
  int execute(PrintWriter out) {
    TargetOptions.Target target = options.resolve();
    ContainerInspector inspector =
        new ContainerInspector(options.procFs(), options.referencePid(), Duration.ofSeconds(10));
    ContainerInspection inspection = inspector.inspect(target.identity());
    out.print(
        options.json
            ? Reports.inspectionJson(inspection, target.container()) + "\n"
            : Reports.inspectionText(inspection, target.container()));
    return ExitCodes.OK;
  }
}

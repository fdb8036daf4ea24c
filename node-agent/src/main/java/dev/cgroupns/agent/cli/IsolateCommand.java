package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.isolate.ContainerIsolator;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "isolate",
    mixinStandardHelpOptions = true,
    description = {
      "Replace the container's cgroupfs mounts (every v1 hierarchy it has, and v2) with mounts that"
          + " show only its own cgroup subtree, read-only unless --read-write.",
      "Running processes keep their own /proc/self/cgroup lines; only processes born into a"
          + " cgroup namespace see \"/\". A container that already has a private cgroup namespace"
          + " is left alone (exit 6)."
    })
class IsolateCommand extends ContainerCommand {
  @Option(names = "--read-write", description = "Leave the new mounts writable.")
  boolean readWrite;

  @Option(names = "--audit", description = "Report exactly what would change; change nothing.")
  boolean audit;

  @Override
  int execute(PrintWriter out) {
    TargetOptions.Target target = options.resolve();
    ContainerIsolator isolator = isolator();
    return report(isolator.isolate(target.identity(), !readWrite, audit), target, out);
  }
}

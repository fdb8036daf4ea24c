package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.isolate.ContainerIsolator;
import dev.cgroupns.agent.isolate.V1MountSource;
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

  @Option(
      names = "--v1-mounts",
      defaultValue = "FRESH",
      description =
          "How to make the new cgroup v1 mounts: FRESH (fresh mounts from a cgroup namespace"
              + " rooted at the container, as the design note does; default) or CLONE (clones of"
              + " the container's cgroup directories: same view, faster).")
  V1MountSource v1Mounts;

  @Override
  int execute(PrintWriter out) {
    TargetOptions.Target target = options.resolve();
    ContainerIsolator isolator = isolator().withV1MountSource(v1Mounts);
    return report(isolator.isolate(target.identity(), !readWrite, audit), target, out);
  }
}

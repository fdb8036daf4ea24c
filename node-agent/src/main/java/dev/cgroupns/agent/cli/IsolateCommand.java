package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.isolate.ContainerIsolator;
import dev.cgroupns.agent.isolate.IsolationRequest;
import dev.cgroupns.agent.isolate.MountAccess;
import dev.cgroupns.api.v1alpha1.IsolationMode;
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
    IsolationRequest request =
        IsolationRequest.of(target.identity())
            .withAccess(readWrite ? MountAccess.READ_WRITE : MountAccess.READ_ONLY)
            .withMode(audit ? IsolationMode.Audit : IsolationMode.Enforce);
    return report(isolator.isolate(request), target, out);
  }
}

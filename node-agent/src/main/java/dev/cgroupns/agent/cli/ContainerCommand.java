package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.isolate.ContainerIsolator;
import dev.cgroupns.agent.isolate.IsolationObserver;
import dev.cgroupns.agent.isolate.IsolationOutcome;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Shared shape of inspect, isolate and revert: resolve the target, act, print, map failures to an
 * exit code and a message where the user looks (stderr, or JSON on stdout with --json).
 */
abstract class ContainerCommand implements Callable<Integer> {
  @Mixin TargetOptions options;

  @Spec CommandSpec spec;

  /** Does the work and prints the result; returns the exit code. */
  abstract int execute(PrintWriter out);

  /** The isolator isolate and revert act through, configured from the command's options. */
  ContainerIsolator isolator() {
    return new ContainerIsolator(
        options.procFs(),
        options.layout(),
        options.store(),
        options.referencePid(),
        Duration.ofSeconds(10),
        IsolationObserver.NONE);
  }

  /** Prints an isolate or revert outcome, human or JSON; returns its exit code. */
  int report(IsolationOutcome outcome, TargetOptions.Target target, PrintWriter out) {
    int exit = ExitCodes.of(outcome.result());
    out.print(
        options.json
            ? Reports.outcomeJson(outcome, target.container(), exit) + "\n"
            : Reports.outcomeText(outcome, target.container()));
    return exit;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      int exit = execute(out);
      out.flush();
      return exit;
    } catch (RuntimeException e) {
      int exit = ExitCodes.of(e);
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      if (options.json) {
        out.println(Reports.errorJson(message, exit));
        out.flush();
      }
      err.println("node-agent " + spec.name() + ": " + message);
      if (exit == ExitCodes.INTERNAL) {
        e.printStackTrace(err);
      }
      err.flush();
      return exit;
    }
  }
}

package dev.cgroupns.testbed.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The JUnit Platform console launcher (junit-platform-console-standalone) run on a project's test
 * class path, selecting test classes, writing XML reports.
 *
 * @param classpath the project's test class path; the launcher brings the platform and the Jupiter
 *     engine itself, so their jars are left out of it (two copies of an engine would be found
 *     twice)
 */
public record JunitConsoleCommand(
    Path java, Path launcherJar, List<Path> classpath, List<String> testClasses, Path reportsDir) {

  static final String MAIN_CLASS = "org.junit.platform.console.ConsoleLauncher";

  private static final Pattern PLATFORM_JAR =
      Pattern.compile(
          "(junit-platform-(engine|launcher|commons|console)|junit-jupiter-engine)-[^/]*\\.jar");
  private static final Pattern CLASS_NAME =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  public JunitConsoleCommand {
    classpath = List.copyOf(classpath);
    testClasses = List.copyOf(testClasses);
    if (testClasses.isEmpty()) {
      throw new IllegalArgumentException("no test class selected");
    }
    for (String c : testClasses) {
      if (!CLASS_NAME.matcher(c).matches()) {
        throw new IllegalArgumentException("not a class name: " + c);
      }
    }
  }

  public List<String> arguments() {
    List<String> args = new ArrayList<>();
    args.add(java.toString());
    // A crash report in the working directory would land in the checkout, or fail on its
    // read-only share; beside the reports it comes back with them.
    args.add("-XX:ErrorFile=" + reportsDir.resolve(JvmCrashReport.FILE_PATTERN));
    List<String> cp = new ArrayList<>(projectClasspath());
    cp.add(launcherJar.toString());
    args.addAll(List.of("-cp", String.join(":", cp), MAIN_CLASS, "execute"));
    args.addAll(List.of("--disable-banner", "--details=tree", "--fail-if-no-tests"));
    for (String c : testClasses) {
      args.addAll(List.of("--select-class", c));
    }
    args.addAll(List.of("--reports-dir", reportsDir.toString()));
    return args;
  }

  List<String> projectClasspath() {
    return classpath.stream()
        .filter(
            p ->
                p.getFileName() == null
                    || !PLATFORM_JAR.matcher(p.getFileName().toString()).matches())
        .map(Path::toString)
        .toList();
  }
}

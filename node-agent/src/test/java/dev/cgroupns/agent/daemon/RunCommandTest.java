package dev.cgroupns.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.cli.NodeAgentMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class RunCommandTest {
  @Test
  void withoutANodeNameItRefusesToStartAndSaysHowToFixIt() {
    Assumptions.assumeTrue(
        System.getenv("NODE_NAME") == null, "NODE_NAME is set in this environment");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit = NodeAgentMain.run(new String[] {"run"}, new PrintWriter(out), new PrintWriter(err));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("NODE_NAME").contains("--node-name");
  }

  @Test
  void aBadDurationIsAUsageError() {
    StringWriter err = new StringWriter();

    int exit =
        NodeAgentMain.run(
            new String[] {"run", "--node-name=n", "--resync-interval=often"},
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("often");
  }

  @Test
  void aPluginIndexOfOtherThanTwoDigitsIsAUsageError() {
    StringWriter err = new StringWriter();

    int exit =
        NodeAgentMain.run(
            new String[] {"run", "--node-name=n", "--nri-plugin-index=7"},
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("two digits").contains("'7'");
  }

  @Test
  void theNriOptionsAreInTheHelp() {
    StringWriter out = new StringWriter();
    NodeAgentMain.run(new String[] {"run", "--help"}, new PrintWriter(out), new PrintWriter(out));
    assertThat(out.toString())
        .contains("--nri-socket")
        .contains("/var/run/nri/nri.sock")
        .contains("--nri-plugin-index");
  }

  @Test
  void runIsListedInTheHelp() {
    StringWriter out = new StringWriter();
    NodeAgentMain.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(out));
    assertThat(out.toString()).contains("run");
  }
}

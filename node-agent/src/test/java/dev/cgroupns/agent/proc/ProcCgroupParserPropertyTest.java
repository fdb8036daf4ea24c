package dev.cgroupns.agent.proc;

import static dev.cgroupns.agent.testing.RandomCases.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cgroupns.agent.testing.RandomCases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProcCgroupParserPropertyTest {
  private static final String NAME_CHARS = "abcxyz0189-_.: ()@";
  private static final List<String> CONTROLLERS =
      List.of("cpu", "cpuacct", "memory", "pids", "net_cls", "net_prio", "name=systemd");

  @Test
  void renderedLinesParseBackExactly() {
    forAll(
        "render/parse round trip",
        300,
        random -> {
          List<CgroupLine> lines = randomFile(random);
          StringBuilder text = new StringBuilder();
          lines.forEach(l -> text.append(l.render()).append('\n'));

          ProcCgroup parsed = ProcCgroupParser.parse(text.toString());

          assertThat(parsed.rejectedLines()).isEmpty();
          assertThat(parsed.lines()).isEqualTo(lines);
        });
  }

  @Test
  void veryLongPathsWithColonsAndDeletedSuffix() {
    forAll(
        "4000-character paths",
        30,
        random -> {
          String path = randomPath(random, 4000);
          boolean deleted = random.nextBoolean();
          CgroupLine line = new CgroupLine(0, List.of(), path, deleted);
          assertThat(ProcCgroupParser.parse(line.render()).lines()).containsExactly(line);
        });
  }

  @Test
  void garbageMixedInIsReportedAndNeverThrows() {
    forAll(
        "garbage mixed in",
        200,
        random -> {
          List<CgroupLine> valid = randomFile(random);
          List<String> text = new ArrayList<>();
          valid.forEach(l -> text.add(l.render()));
          int garbage = 1 + random.nextInt(5);
          for (int i = 0; i < garbage; i++) {
            String junk = "#" + RandomCases.string(random, NAME_CHARS + "/", random.nextInt(40));
            text.add(random.nextInt(text.size() + 1), junk);
          }
          ProcCgroup parsed = ProcCgroupParser.parse(String.join("\n", text));

          assertThat(parsed.lines()).isEqualTo(valid);
          assertThat(parsed.rejectedLines()).hasSize(garbage);
        });
  }

  @Test
  void randomBytesNeverThrow() {
    forAll(
        "random bytes",
        300,
        random -> {
          byte[] bytes = new byte[random.nextInt(2000)];
          random.nextBytes(bytes);
          String text = new String(bytes, StandardCharsets.ISO_8859_1);
          assertThatCode(() -> ProcCgroupParser.parse(text)).doesNotThrowAnyException();
        });
  }

  private static List<CgroupLine> randomFile(Random random) {
    List<CgroupLine> lines = new ArrayList<>();
    int v1 = random.nextInt(6);
    for (int id = v1; id >= 1; id--) {
      List<String> controllers = new ArrayList<>();
      controllers.add(CONTROLLERS.get(random.nextInt(CONTROLLERS.size())));
      if (random.nextBoolean()) {
        controllers.add("name=h" + id);
      }
      lines.add(new CgroupLine(id, controllers, randomPath(random, random.nextInt(120)), false));
    }
    if (random.nextBoolean() || lines.isEmpty()) {
      lines.add(
          new CgroupLine(
              0, List.of(), randomPath(random, random.nextInt(120)), random.nextBoolean()));
    }
    return lines;
  }

  private static String randomPath(Random random, int length) {
    StringBuilder path = new StringBuilder();
    int ups = random.nextInt(4) == 0 ? random.nextInt(4) : 0;
    for (int i = 0; i < ups; i++) {
      path.append("/..");
    }
    while (path.length() < length) {
      path.append('/').append(RandomCases.string(random, NAME_CHARS, 1 + random.nextInt(30)));
    }
    return path.length() == 0 ? "/" : path.toString();
  }
}

package dev.cgroupns.testbed.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The outcome of the tests in the XML reports ({@code TEST-*.xml}) the console launcher wrote. */
public final class JunitReports {

  private JunitReports() {}

  /** One test case's outcome. */
  public enum Outcome {
    PASSED,
    FAILED,
    SKIPPED
  }

  /** A test case: class, name, outcome, and the failure or skip message. */
  public record TestCase(String className, String name, Outcome outcome, String message) {
    @Override
    public String toString() {
      return className
          + "."
          + name
          + ": "
          + outcome
          + (message.isEmpty() ? "" : " (" + message + ")");
    }
  }

  /** Every test case of the reports in {@code reportsDir}; none when there are no reports. */
  public static List<TestCase> read(Path reportsDir) {
    if (!Files.isDirectory(reportsDir)) {
      return List.of();
    }
    List<TestCase> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(reportsDir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith("TEST-") && name.endsWith(".xml")) {
          try (InputStream in = Files.newInputStream(file)) {
            cases.addAll(parse(in));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  /** The test cases of one legacy JUnit XML report. */
  static List<TestCase> parse(InputStream xml) throws IOException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      NodeList testCases = factory.newDocumentBuilder().parse(xml).getElementsByTagName("testcase");
      List<TestCase> cases = new ArrayList<>();
      for (int i = 0; i < testCases.getLength(); i++) {
        Element tc = (Element) testCases.item(i);
        Outcome outcome = Outcome.PASSED;
        String message = "";
        for (String tag : List.of("failure", "error", "skipped")) {
          NodeList found = tc.getElementsByTagName(tag);
          if (found.getLength() > 0) {
            outcome = tag.equals("skipped") ? Outcome.SKIPPED : Outcome.FAILED;
            Element e = (Element) found.item(0);
            message = e.hasAttribute("message") ? e.getAttribute("message") : e.getTextContent();
            break;
          }
        }
        cases.add(
            new TestCase(
                tc.getAttribute("classname"),
                tc.getAttribute("name"),
                outcome,
                firstLine(message)));
      }
      return cases;
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("unreadable JUnit XML report: " + e.getMessage(), e);
    }
  }

  private static String firstLine(String s) {
    String stripped = s.strip();
    int nl = stripped.indexOf('\n');
    return nl < 0 ? stripped : stripped.substring(0, nl);
  }
}

package dev.cgroupns.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeardownTest {

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final Teardown teardown = new Teardown(new Progress(new PrintStream(printed, true)));

  @Test
  void undoesInReverseOrderOnceAndGoesOnPastFailures() {
    List<String> order = new ArrayList<>();
    teardown.add("first", () -> order.add("first"));
    teardown.add(
        "second",
        () -> {
          throw new IllegalStateException("busy");
        });
    teardown.add("third", () -> order.add("third"));

    List<String> failures = teardown.run();

    assertThat(order).containsExactly("third", "first");
    assertThat(failures).containsExactly("second: busy");
    assertThat(printed.toString()).contains("cleanup FAILED: second: busy");
    assertThat(teardown.run()).isEmpty();
    assertThat(order).hasSize(2);
    assertThatThrownBy(() -> teardown.add("late", () -> {}))
        .isInstanceOf(IllegalStateException.class);
  }
}

package dev.cgroupns.agent.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequirementsTest {

  @Test
  void outsideCiAMissingRequirementSkipsWithTheReason() {
    assertThatThrownBy(() -> Requirements.require(false, "needs a unicorn", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("needs a unicorn");
  }

  @Test
  void inCiAMissingRequirementFailsWithTheReason() {
    assertThatThrownBy(() -> Requirements.require(false, "needs a unicorn", true))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("CI=true")
        .hasMessageContaining("needs a unicorn");
  }

  @Test
  void aMetRequirementDoesNothing() {
    assertThatCode(() -> Requirements.require(true, "anything", true)).doesNotThrowAnyException();
  }
}

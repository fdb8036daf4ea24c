package dev.cgroupns.agent.testing;

import java.util.Random;
import java.util.function.Consumer;

/**
 * Seeded random test cases without a property-testing library. Every case gets its own seed; a
 * failure names it, and {@code -Dtest.caseSeed=N} replays exactly that case.
 */
public final class RandomCases {
  private RandomCases() {}

  public static void forAll(String property, int tries, Consumer<Random> check) {
    Long replay = Long.getLong("test.caseSeed");
    if (replay != null) {
      run(property, replay, check);
      return;
    }
    long runSeed = Long.getLong("test.seed", new Random().nextLong());
    Random seeds = new Random(runSeed);
    for (int i = 0; i < tries; i++) {
      run(property, seeds.nextLong(), check);
    }
  }

  private static void run(String property, long caseSeed, Consumer<Random> check) {
    try {
      check.accept(new Random(caseSeed));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          property + " failed; replay with -Dtest.caseSeed=" + caseSeed + ": " + e.getMessage(), e);
    }
  }

  /** A string of {@code length} characters drawn from {@code alphabet}. */
  public static String string(Random random, String alphabet, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /** Lowercase hex of {@code length} digits. */
  public static String hex(Random random, int length) {
    return string(random, "0123456789abcdef", length);
  }
}

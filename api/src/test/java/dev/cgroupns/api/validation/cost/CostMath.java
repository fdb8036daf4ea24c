package dev.cgroupns.api.validation.cost;

/**
 * Saturating arithmetic on non-negative costs and sizes, as cel-go's checker does it: a sum or
 * product that would overflow becomes the maximum instead of wrapping around.
 *
 * <p>cel-go counts in uint64 and saturates at 2^64-1; a Java long saturates at 2^63-1. Both are far
 * beyond any budget, so a saturated estimate is refused either way.
 */
final class CostMath {
  static final long MAX = Long.MAX_VALUE;

  private CostMath() {}

  static long add(long a, long b) {
    return a > MAX - b ? MAX : a + b;
  }

  static long multiply(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > MAX / b ? MAX : a * b;
  }

  /** {@code ceil(x * factor)}, as cel-go's multiplyByCostFactor rounds. */
  static long byFactor(long x, double factor) {
    double product = Math.ceil((double) x * factor);
    return product >= 0x1p63 ? MAX : (long) product;
  }
}

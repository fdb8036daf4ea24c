package dev.cgroupns.api.validation.cost;

import java.util.List;
import java.util.Set;

/**
 * The estimated cost of one call of a standard CEL function, by overload, as cel-go's checker
 * computes it (functionCost in checker/cost.go). Kubernetes' own CostEstimator adds costs only for
 * its library functions, which {@link RuleCompiler} does not declare.
 *
 * <p>Only the worst case (cel-go's Max) is tracked; the budget check reads nothing else. A function
 * not listed here is refused with {@link NotEstimableException}, even where cel-go would fall back
 * to a constant cost, so that a new kind of call gets looked at before it is trusted.
 */
final class FunctionCosts {
  /** Cost per character when a function walks a string (cel-go StringTraversalCostFactor). */
  static final double STRING_TRAVERSAL_COST_FACTOR = 0.1;

  /** Cost per character of a regular expression (cel-go RegexStringLengthCostFactor). */
  static final double REGEX_STRING_LENGTH_COST_FACTOR = 0.25;

  /** Functions that cost 1 plus their arguments, unless an overload below says otherwise. */
  private static final Set<String> CONSTANT_TIME =
      Set.of(
          "!_", "@not_strictly_false", "size", "_[_]", "@in", "_<_", "_<=_", "_>_", "_>=_", "_+_");

  /** What a call's cost depends on: its own cost, its worst-case size, and its entries if known. */
  record Operand(long cost, long maxSize, EntrySize entry) {}

  /** A call's worst-case cost, and its result's size and entries where the function sets them. */
  record Call(long cost, Long resultSize, EntrySize resultEntry) {
    static Call costing(long cost) {
      return new Call(cost, null, null);
    }
  }

  private FunctionCosts() {}

  /**
   * @param target the receiver of a member call such as {@code s.matches(re)}, else null; its own
   *     cost is not included, as cel-go adds it outside the function's cost
   */
  static Call of(String function, String overloadId, Operand target, List<Operand> args) {
    long argCost = args.stream().mapToLong(Operand::cost).reduce(0, CostMath::add);
    switch (overloadId) {
      case "matches_string":
        if (target != null) {
          // An RE2 match is linear in the string (one more, so an empty string still costs) times
          // the size of the regex's automaton, guessed as a quarter of the pattern's length.
          long strCost =
              CostMath.byFactor(CostMath.add(target.maxSize(), 1), STRING_TRAVERSAL_COST_FACTOR);
          long regexCost =
              CostMath.byFactor(args.get(0).maxSize(), REGEX_STRING_LENGTH_COST_FACTOR);
          return Call.costing(CostMath.add(CostMath.multiply(strCost, regexCost), argCost));
        }
        break;
      case "contains_string":
        if (target != null) {
          long strCost = CostMath.byFactor(target.maxSize(), STRING_TRAVERSAL_COST_FACTOR);
          long subCost = CostMath.byFactor(args.get(0).maxSize(), STRING_TRAVERSAL_COST_FACTOR);
          return Call.costing(CostMath.add(CostMath.multiply(strCost, subCost), argCost));
        }
        break;
      case "starts_with_string", "ends_with_string":
        return Call.costing(
            CostMath.add(
                CostMath.byFactor(args.get(0).maxSize(), STRING_TRAVERSAL_COST_FACTOR), argCost));
      case "in_list":
        // Linear in the list, even a list of constants.
        return Call.costing(CostMath.add(CostMath.byFactor(args.get(1).maxSize(), 1), argCost));
      case "logical_and", "logical_or":
        // Short-circuiting only lowers the minimum.
        return Call.costing(CostMath.add(args.get(0).cost(), args.get(1).cost()));
      case "conditional":
        {
          long size = Math.max(args.get(1).maxSize(), args.get(2).maxSize());
          long cost =
              CostMath.add(args.get(0).cost(), Math.max(args.get(1).cost(), args.get(2).cost()));
          return new Call(cost, size, EntrySize.union(args.get(1).entry(), args.get(2).entry()));
        }
      case "add_string", "add_bytes", "add_list":
        {
          long size = CostMath.add(args.get(0).maxSize(), args.get(1).maxSize());
          EntrySize entry = EntrySize.union(args.get(0).entry(), args.get(1).entry());
          long cost =
              overloadId.equals("add_list")
                  ? CostMath.add(1, argCost) // concatenation is O(1); only the size is tracked
                  : CostMath.add(CostMath.byFactor(size, STRING_TRAVERSAL_COST_FACTOR), argCost);
          return new Call(cost, size, entry);
        }
      case "equals",
      "not_equals",
      "less_string",
      "less_equals_string",
      "greater_string",
      "greater_equals_string",
      "less_bytes",
      "less_equals_bytes",
      "greater_bytes",
      "greater_equals_bytes":
        {
          // Comparing stops at the end of the shorter operand; scalars have size 1.
          long shorter = Math.min(args.get(0).maxSize(), args.get(1).maxSize());
          return Call.costing(
              CostMath.add(CostMath.byFactor(shorter, STRING_TRAVERSAL_COST_FACTOR), argCost));
        }
      default:
        break;
    }
    if (CONSTANT_TIME.contains(function)) {
      return Call.costing(CostMath.add(1, argCost));
    }
    throw new NotEstimableException(
        "no cost model for function " + function + " (overload " + overloadId + ")");
  }
}

package dev.cgroupns.api.validation.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * kube-apiserver's budgets for the estimated cost of a CRD's rules, and the errors it refuses a CRD
 * with, worded as it words them so that a failure here reads like the real one.
 */
final class CostBudget {
  /** Per rule: StaticEstimatedCostLimit in apiextensions' validation.go. */
  static final long STATIC_ESTIMATED_COST_LIMIT = 10_000_000;

  /** For all rules of one CRD version: StaticEstimatedCRDCostLimit in the same file. */
  static final long STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;

  private static final String HINT =
      " (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays,"
          + " maps, and strings are declared)";

  private CostBudget() {}

  /** The apiserver's errors for these rules; empty when it would accept them. */
  static List<String> violations(String schemaPath, List<RuleCost> rules) {
    List<String> errors = new ArrayList<>();
    long total = 0;
    for (RuleCost rule : rules) {
      if (rule.cost() > STATIC_ESTIMATED_COST_LIMIT) {
        errors.add(
            rule.path()
                + ": Forbidden: "
                + exceeds("estimated rule cost", rule.cost(), STATIC_ESTIMATED_COST_LIMIT));
      }
      total = CostMath.add(total, rule.cost());
    }
    if (total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
      // The apiserver names the (at most four) rules that contribute at least 1% of the budget.
      rules.stream()
          .filter(r -> r.cost() >= STATIC_ESTIMATED_CRD_COST_LIMIT / 100)
          .sorted(Comparator.comparingLong(RuleCost::cost).reversed())
          .limit(4)
          .forEach(
              r ->
                  errors.add(
                      r.path()
                          + ": Forbidden: contributed to estimated rule cost total exceeding cost"
                          + " limit for entire OpenAPIv3 schema"));
      errors.add(
          schemaPath
              + ": Forbidden: "
              + exceeds(
                  "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema",
                  total,
                  STATIC_ESTIMATED_CRD_COST_LIMIT));
    }
    return errors;
  }

  /**
   * getCostErrorMessage: the factor with one decimal, "more than 100x", or six decimals below 1.5.
   */
  static String exceeds(String costName, long cost, long limit) {
    double factor = (double) cost / (double) limit;
    String shown;
    if (factor > 100.0) {
      shown = "more than 100x";
    } else if (factor < 1.5) {
      shown = decimal(factor, 6) + "x";
    } else {
      shown = decimal(factor, 1) + "x";
    }
    return costName + " exceeds budget by factor of " + shown + HINT;
  }

  /** Go's %.Nf: the double's exact value, correctly rounded (ties to even). */
  private static String decimal(double value, int places) {
    return new BigDecimal(value).setScale(places, RoundingMode.HALF_EVEN).toPlainString();
  }
}

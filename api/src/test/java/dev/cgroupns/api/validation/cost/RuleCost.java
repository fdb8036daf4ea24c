package dev.cgroupns.api.validation.cost;

/**
 * One rule's estimate: the cost of one evaluation times the number of times it may run in one
 * object (its cardinality), as kube-apiserver's getExpressionCost multiplies them.
 *
 * @param path the rule's field path, worded as the apiserver's errors word it
 */
record RuleCost(String path, String rule, long maxCost, long cardinality) {
  long cost() {
    return CostMath.multiply(maxCost, cardinality);
  }
}

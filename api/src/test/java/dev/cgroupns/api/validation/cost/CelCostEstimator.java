package dev.cgroupns.api.validation.cost;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.CelCall;
import dev.cel.common.ast.CelExpr.CelComprehension;
import dev.cel.common.ast.CelExpr.CelSelect;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The worst-case cost of a type-checked rule, computed the way kube-apiserver computes it when a
 * CRD is created: cel-go's static estimator (checker/cost.go) over the rule's AST, with sizes of
 * schema values from {@link SchemaDecl} as apiextensions' sizeEstimator supplies them. cel-java has
 * no estimator of its own.
 *
 * <p>Every expression gets a cost; iterating macros ({@code all}, {@code exists}, ...) cost their
 * range's size times the cost of one step. To know sizes, the estimator follows each expression
 * back to the schema: {@code self.containers} is the path [self, containers], and the variable of
 * {@code self.containers.all(c, ...)} is [self, containers, @items].
 *
 * <p>Where cel-go knows nothing of a size it assumes the largest possible, and so does this. It
 * differs from the apiserver only on the safe side: it stops with {@link NotEstimableException}
 * where it models nothing (struct literals, two-variable comprehensions, functions not in {@link
 * FunctionCosts}, Kubernetes' CEL libraries, messageExpression) instead of estimating, and it
 * saturates at 2^63 rather than 2^64, far above any budget. Everything it does model gives the
 * apiserver's numbers exactly (CelCostEstimatorTest); that includes one estimate that is not
 * conservative at all, map keys sized 0 (see {@link SchemaDecl}).
 */
final class CelCostEstimator {
  private static final long SELECT_AND_IDENT_COST = 1;
  private static final long CONST_COST = 0;
  private static final long LIST_CREATE_BASE_COST = 10;
  private static final long MAP_CREATE_BASE_COST = 30;

  /** Kubernetes prices has() at 0 (cel-go's PresenceTestHasCost(false)), as before cel-go 0.17. */
  private static final long PRESENCE_TEST_COST = 0;

  /** Selecting a field from these costs one unit more than from a list or a scalar. */
  private static final Set<CelKind> SELECTABLE =
      Set.of(CelKind.MAP, CelKind.STRUCT, CelKind.TYPE_PARAM);

  private static final Set<CelKind> SCALAR =
      Set.of(
          CelKind.BOOL,
          CelKind.DOUBLE,
          CelKind.DURATION,
          CelKind.INT,
          CelKind.TIMESTAMP,
          CelKind.UINT);

  private record LocalVar(List<String> path, Long size, EntrySize entry) {}

  private final CelAbstractSyntaxTree ast;
  private final SchemaDecl self;
  private final Map<Long, List<String>> paths = new HashMap<>();
  private final Map<Long, Long> sizes = new HashMap<>();
  private final Map<Long, EntrySize> entries = new HashMap<>();
  private final Map<String, Deque<LocalVar>> locals = new HashMap<>();

  private CelCostEstimator(CelAbstractSyntaxTree ast, SchemaDecl self) {
    this.ast = ast;
    this.self = self;
  }

  /** The rule's estimated maximum cost, before multiplying by how often it may run. */
  static long maxCost(CelAbstractSyntaxTree checkedRule, SchemaDecl self) {
    return new CelCostEstimator(checkedRule, self).cost(checkedRule.getExpr());
  }

  private long cost(CelExpr e) {
    return switch (e.exprKind().getKind()) {
      case CONSTANT -> CONST_COST;
      case IDENT -> costIdent(e);
      case SELECT -> costSelect(e);
      case CALL -> costCall(e);
      case LIST -> costList(e);
      case MAP -> costMap(e);
      case COMPREHENSION -> costComprehension(e);
      default ->
          throw new NotEstimableException(
              "no cost model for a " + e.exprKind().getKind() + " expression");
    };
  }

  private long costIdent(CelExpr e) {
    String name = e.ident().name();
    LocalVar local = local(name);
    paths.put(e.id(), local != null ? local.path() : List.of(name));
    return SELECT_AND_IDENT_COST;
  }

  private long costSelect(CelExpr e) {
    CelSelect select = e.select();
    if (select.testOnly()) {
      return CostMath.add(PRESENCE_TEST_COST, cost(select.operand()));
    }
    long sum = cost(select.operand());
    if (SELECTABLE.contains(typeOf(select.operand()).kind())) {
      sum = CostMath.add(sum, SELECT_AND_IDENT_COST);
    }
    paths.put(e.id(), append(pathOf(select.operand()), select.field()));
    return sum;
  }

  private long costCall(CelExpr e) {
    CelCall call = e.call();
    List<FunctionCosts.Operand> args = new ArrayList<>();
    for (CelExpr arg : call.args()) {
      args.add(operand(arg, cost(arg)));
    }
    long sum = 0;
    FunctionCosts.Operand target = null;
    if (call.target().isPresent()) {
      long targetCost = cost(call.target().get());
      sum = targetCost;
      target = operand(call.target().get(), targetCost);
    }
    List<String> overloads = ast.getReference(e.id()).map(CelReference::overloadIds).orElseThrow();
    if (overloads.isEmpty()) {
      throw new NotEstimableException("call of " + call.function() + " has no resolved overload");
    }
    // With several candidate overloads (dyn operands) the worst one counts, as in cel-go.
    long fnCost = 0;
    Long resultSize = null;
    for (String overload : overloads) {
      FunctionCosts.Call estimate = FunctionCosts.of(call.function(), overload, target, args);
      fnCost = Math.max(fnCost, estimate.cost());
      if (estimate.resultSize() != null) {
        resultSize =
            resultSize == null
                ? estimate.resultSize()
                : Math.max(resultSize, estimate.resultSize());
      }
      if (estimate.resultEntry() != null) {
        entries.put(e.id(), estimate.resultEntry());
      }
      if (overload.equals("index_list") || overload.equals("index_map")) {
        CelExpr container = call.args().get(0);
        EntrySize entry = entryOf(container);
        resultSize = entry == null ? null : entry.maxValue();
        paths.put(
            e.id(),
            append(pathOf(container), overload.equals("index_list") ? "@items" : "@values"));
      }
      if (resultSize == null) {
        resultSize = sizeOf(e);
      }
    }
    if (resultSize != null) {
      sizes.put(e.id(), resultSize);
    }
    return CostMath.add(sum, fnCost);
  }

  private FunctionCosts.Operand operand(CelExpr e, long cost) {
    return new FunctionCosts.Operand(cost, sizeOrUnknown(e), entryOf(e));
  }

  private long costList(CelExpr e) {
    long sum = 0;
    long itemSize = 0;
    for (CelExpr element : e.list().elements()) {
      sum = CostMath.add(sum, cost(element));
      itemSize = Math.max(itemSize, sizeOrUnknown(element));
    }
    entries.put(e.id(), new EntrySize(CelKind.LIST, 1, itemSize));
    return CostMath.add(sum, LIST_CREATE_BASE_COST);
  }

  private long costMap(CelExpr e) {
    long sum = 0;
    long keySize = 0;
    long valueSize = 0;
    for (var entry : e.map().entries()) {
      sum = CostMath.add(sum, CostMath.add(cost(entry.key()), cost(entry.value())));
      keySize = Math.max(keySize, sizeOrUnknown(entry.key()));
      valueSize = Math.max(valueSize, sizeOrUnknown(entry.value()));
    }
    entries.put(e.id(), new EntrySize(CelKind.MAP, keySize, valueSize));
    return CostMath.add(sum, MAP_CREATE_BASE_COST);
  }

  private long costComprehension(CelExpr e) {
    CelComprehension comp = e.comprehension();
    if (!comp.iterVar2().isEmpty()) {
      throw new NotEstimableException("no cost model for two-variable comprehensions");
    }
    long sum = CostMath.add(cost(comp.iterRange()), cost(comp.accuInit()));
    push(
        comp.accuVar(),
        new LocalVar(pathOf(comp.accuInit()), sizeOf(comp.accuInit()), entryOf(comp.accuInit())));
    push(comp.iterVar(), iterationVariable(comp.iterRange()));
    long loopCost = cost(comp.loopCondition());
    long stepCost = cost(comp.loopStep());
    pop(comp.iterVar());
    sum = CostMath.add(sum, cost(comp.result()));
    pop(comp.accuVar());

    long rangeCount = sizeOrUnknown(comp.iterRange());
    sum = CostMath.add(sum, CostMath.multiply(rangeCount, CostMath.add(stepCost, loopCost)));

    switch (comp.accuInit().exprKind().getKind()) {
      case CONSTANT -> {
        Long size = sizeOf(comp.accuInit());
        if (size != null) {
          sizes.put(e.id(), size);
        }
      }
      case LIST, MAP -> {
        // map() and filter() build at most one element per element of the range.
        sizes.put(e.id(), rangeCount);
        EntrySize stepEntry = entryOf(comp.loopStep());
        if (stepEntry != null) {
          entries.put(e.id(), stepEntry);
        }
      }
      default -> {}
    }
    return sum;
  }

  /** The loop variable over a list is an item, over a map a key. */
  private LocalVar iterationVariable(CelExpr range) {
    EntrySize entry = entryOf(range);
    CelKind container = entry != null ? entry.container() : typeOf(range).kind();
    if (container == CelKind.LIST) {
      return new LocalVar(
          append(pathOf(range), "@items"), entry == null ? null : entry.maxValue(), null);
    }
    return new LocalVar(
        append(pathOf(range), "@keys"), entry == null ? null : entry.maxKey(), null);
  }

  /**
   * cel-go's computeSize: a size the estimate already derived, else a literal's own size, else the
   * schema's bound for the expression's path, else 1 for a scalar, else a local variable's size.
   */
  private Long sizeOf(CelExpr e) {
    Long known = sizes.get(e.id());
    if (known != null) {
      return known;
    }
    Long literal = literalSize(e);
    if (literal != null) {
      return literal;
    }
    OptionalLong fromSchema = self.maxSizeAt(pathOf(e));
    if (fromSchema.isPresent()) {
      sizes.put(e.id(), fromSchema.getAsLong());
      return fromSchema.getAsLong();
    }
    if (SCALAR.contains(typeOf(e).kind())) {
      return 1L;
    }
    if (e.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT) {
      LocalVar local = local(e.ident().name());
      if (local != null && local.size() != null) {
        return local.size();
      }
    }
    return null;
  }

  private long sizeOrUnknown(CelExpr e) {
    Long size = sizeOf(e);
    return size == null ? CostMath.MAX : size;
  }

  private static Long literalSize(CelExpr e) {
    switch (e.exprKind().getKind()) {
      case CONSTANT:
        CelConstant constant = e.constant();
        return switch (constant.getKind()) {
          case STRING_VALUE ->
              (long) constant.stringValue().codePointCount(0, constant.stringValue().length());
          case BYTES_VALUE -> (long) constant.bytesValue().size();
          case NOT_SET -> null;
          default -> 1L;
        };
      case LIST:
        return (long) e.list().elements().size();
      case MAP:
        return (long) e.map().entries().size();
      default:
        return null;
    }
  }

  private EntrySize entryOf(CelExpr e) {
    EntrySize known = entries.get(e.id());
    if (known != null) {
      return known;
    }
    if (e.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT) {
      LocalVar local = local(e.ident().name());
      if (local != null) {
        return local.entry();
      }
    }
    return null;
  }

  private List<String> pathOf(CelExpr e) {
    if (e.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT) {
      LocalVar local = local(e.ident().name());
      if (local != null) {
        return local.path();
      }
    }
    return paths.getOrDefault(e.id(), List.of());
  }

  private CelType typeOf(CelExpr e) {
    return ast.getType(e.id())
        .orElseThrow(() -> new NotEstimableException("expression without a checked type: " + e));
  }

  /** The innermost variable of that name, or null for self, oldSelf and unknown names. */
  private LocalVar local(String name) {
    Deque<LocalVar> scopes = locals.get(name);
    return scopes == null ? null : scopes.peek();
  }

  private void push(String name, LocalVar variable) {
    locals.computeIfAbsent(name, n -> new ArrayDeque<>()).push(variable);
  }

  private void pop(String name) {
    locals.get(name).pop();
  }

  private static List<String> append(List<String> path, String element) {
    List<String> longer = new ArrayList<>(path);
    longer.add(element);
    return List.copyOf(longer);
  }
}

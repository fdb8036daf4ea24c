package dev.cgroupns.api.validation.cost;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import java.util.List;
import java.util.Optional;

/**
 * Type-checks a rule with {@code self} and {@code oldSelf} declared as the apiserver declares them
 * for the schema node the rule is on. The estimator needs the checked types and overloads: a field
 * select costs differently on an object than on a list, a comparison on strings than on ints.
 *
 * <p>Only the standard library and macros are declared. A rule that calls one of Kubernetes' CEL
 * libraries fails to compile here, which fails the budget test instead of leaving the call
 * unestimated.
 */
final class RuleCompiler {
  private RuleCompiler() {}

  static CelAbstractSyntaxTree compile(String rule, SchemaDecl self) {
    CelCompiler compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(new StructTypes(self.structTypes()))
            .addVar("self", self.celType)
            .addVar("oldSelf", self.celType)
            .setResultType(SimpleType.BOOL)
            .build();
    try {
      return compiler.compile(rule).getAst();
    } catch (CelValidationException e) {
      throw new NotEstimableException("rule does not type-check: " + e.getMessage());
    }
  }

  private static final class StructTypes implements CelTypeProvider {
    private final ImmutableList<CelType> types;

    StructTypes(List<StructType> types) {
      this.types = ImmutableList.copyOf(types);
    }

    @Override
    public ImmutableCollection<CelType> types() {
      return types;
    }

    @Override
    public Optional<CelType> findType(String name) {
      return types.stream().filter(t -> t.name().equals(name)).findFirst();
    }
  }
}

package dev.cgroupns.api.validation.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CEL declaration kube-apiserver derives from a structural schema node (SchemaDeclType in
 * k8s.io/apiserver/pkg/cel/common/schemas.go): the node's CEL type, and the two numbers its cost
 * estimate reads, the largest size of a value ({@link #maxElements}) and the smallest serialized
 * form of one ({@link #minSerializedSize}).
 *
 * <p>Sizes follow the apiserver, bounds or no bounds. A string's size is 4 bytes per character of
 * its maxLength, else the 3 MiB request minus its quotes; a list's or map's is its maxItems or
 * maxProperties, else as many of the smallest elements as fit in a request. Map keys get no size at
 * all (0): the apiserver declares them with its plain string type, and a structural schema cannot
 * bound them anyway. That is not conservative, but it is what decides whether a CRD is accepted.
 */
final class SchemaDecl {
  /** MaxRequestSizeBytes in k8s.io/apiserver/pkg/apis/cel/config.go: 3 MiB. */
  static final long MAX_REQUEST_SIZE_BYTES = 3L * 1024 * 1024;

  // The shortest JSON forms: "" for a string, 0 for a number, true for a boolean, {} or [].
  private static final long MIN_STRING_SIZE = 2;
  private static final long MIN_NUMBER_SIZE = 1;
  private static final long MIN_BOOL_SIZE = 4;
  private static final long MIN_CONTAINER_SIZE = 2;

  // Formats the apiserver declares as bytes, duration or timestamp rather than string.
  private static final Set<String> TYPED_STRING_FORMATS =
      Set.of("byte", "duration", "date", "date-time");

  private static final Pattern CEL_IDENTIFIER = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  // Property names the apiserver would have to escape in CEL (apiserver/pkg/cel/escaping.go).
  private static final Set<String> CEL_RESERVED =
      Set.of(
          ("true false null in as break const continue else for function if import let loop"
                  + " package namespace return var void while")
              .split(" "));

  final CelType celType;
  final Map<String, SchemaDecl> fields;
  final SchemaDecl keyType;
  final SchemaDecl elemType;
  final long maxElements;
  final long minSerializedSize;

  private SchemaDecl(
      CelType celType,
      Map<String, SchemaDecl> fields,
      SchemaDecl keyType,
      SchemaDecl elemType,
      long maxElements,
      long minSerializedSize) {
    this.celType = celType;
    this.fields = fields;
    this.keyType = keyType;
    this.elemType = elemType;
    this.maxElements = maxElements;
    this.minSerializedSize = minSerializedSize;
  }

  /**
   * The declaration of a schema node. At the root of a resource the apiserver also declares
   * apiVersion, kind, metadata.name and metadata.generateName, declared in the schema or not.
   */
  static SchemaDecl of(JsonNode schema, boolean resourceRoot) {
    return new Builder().build(schema, resourceRoot);
  }

  /** Every object type in this declaration, for the CEL type checker to resolve fields with. */
  List<StructType> structTypes() {
    List<StructType> types = new ArrayList<>();
    collectStructTypes(types);
    return types;
  }

  /**
   * The apiserver's size estimate for the value at a path the cost estimator built: the first
   * element is the variable (self or oldSelf, both of this node's type), the rest field names or
   * {@code @items}, {@code @keys}, {@code @values}. Empty where the apiserver gives no estimate.
   */
  OptionalLong maxSizeAt(List<String> path) {
    if (path.isEmpty()) {
      return OptionalLong.empty();
    }
    SchemaDecl node = this;
    for (String element : path.subList(1, path.size())) {
      node =
          switch (element) {
            case "@items", "@values" -> node.elemType;
            case "@keys" -> node.keyType;
            default -> node.fields == null ? null : node.fields.get(element);
          };
      if (node == null) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(node.maxElements);
  }

  private void collectStructTypes(List<StructType> types) {
    if (celType instanceof StructType struct) {
      types.add(struct);
      fields.values().forEach(f -> f.collectStructTypes(types));
    }
    if (elemType != null) {
      elemType.collectStructTypes(types);
    }
  }

  private static final class Builder {
    private final Set<String> structNames = new HashSet<>();

    SchemaDecl build(JsonNode schema, boolean resourceRoot) {
      refuseUnmodelled(schema);
      String type = schema.path("type").asText("");
      return switch (type) {
        case "array" -> list(schema);
        case "object" ->
            schema.path("additionalProperties").isObject()
                ? map(schema)
                : object(schema, resourceRoot);
        case "string" -> string(schema);
        case "integer" -> scalar(SimpleType.INT, MIN_NUMBER_SIZE);
        case "number" -> scalar(SimpleType.DOUBLE, MIN_NUMBER_SIZE);
        case "boolean" -> scalar(SimpleType.BOOL, MIN_BOOL_SIZE);
        default -> throw new NotEstimableException("schema node without a known type: " + schema);
      };
    }

    private SchemaDecl list(JsonNode schema) {
      if (!schema.path("items").isObject()) {
        throw new NotEstimableException("array without items: " + schema);
      }
      SchemaDecl items = build(schema.get("items"), false);
      long maxItems =
          schema.has("maxItems")
              ? Math.max(0, schema.get("maxItems").asLong())
              // As many of the smallest items, each followed by a comma, as fit between [ and ].
              : (MAX_REQUEST_SIZE_BYTES - 2) / (items.minSerializedSize + 1);
      return new SchemaDecl(
          ListType.create(items.celType), null, null, items, maxItems, MIN_CONTAINER_SIZE);
    }

    private SchemaDecl map(JsonNode schema) {
      SchemaDecl values = build(schema.get("additionalProperties"), false);
      long maxProperties =
          schema.has("maxProperties")
              ? Math.max(0, schema.get("maxProperties").asLong())
              // Each entry at least "":, a comma and the smallest value; then { and }.
              : (MAX_REQUEST_SIZE_BYTES - 2) / (values.minSerializedSize + 6);
      SchemaDecl keys = scalar(SimpleType.STRING, MIN_STRING_SIZE);
      return new SchemaDecl(
          MapType.create(SimpleType.STRING, values.celType),
          null,
          keys,
          values,
          maxProperties,
          MIN_CONTAINER_SIZE);
    }

    private SchemaDecl object(JsonNode schema, boolean resourceRoot) {
      Map<String, SchemaDecl> fields = new LinkedHashMap<>();
      Set<String> required = new HashSet<>();
      schema.path("required").forEach(r -> required.add(r.asText()));
      long minSize = MIN_CONTAINER_SIZE;
      for (var property :
          (Iterable<Map.Entry<String, JsonNode>>) schema.path("properties")::fields) {
        String name = property.getKey();
        if (!CEL_IDENTIFIER.matcher(name).matches() || CEL_RESERVED.contains(name)) {
          throw new NotEstimableException("property name needs CEL escaping: " + name);
        }
        SchemaDecl field = build(property.getValue(), false);
        fields.put(name, field);
        // A required property without a default is serialized at least as "name":value and a
        // comma; the server fills in defaulted ones itself.
        if (required.contains(name) && !property.getValue().has("default")) {
          minSize += name.length() + field.minSerializedSize + 4;
        }
      }
      if (resourceRoot) {
        addImplicitRootFields(fields);
      }
      return new SchemaDecl(struct(fields), fields, null, null, 0, minSize);
    }

    private void addImplicitRootFields(Map<String, SchemaDecl> fields) {
      fields.putIfAbsent("apiVersion", unboundedString());
      fields.putIfAbsent("kind", unboundedString());
      if (!fields.containsKey("metadata")) {
        Map<String, SchemaDecl> metadata = new LinkedHashMap<>();
        metadata.put("name", unboundedString());
        metadata.put("generateName", unboundedString());
        fields.put(
            "metadata",
            new SchemaDecl(struct(metadata), metadata, null, null, 0, MIN_CONTAINER_SIZE));
      }
    }

    private SchemaDecl string(JsonNode schema) {
      long maxLength;
      if (schema.has("maxLength")) {
        // maxLength counts characters, the estimate bytes: up to 4 per character in UTF-8.
        maxLength = Math.max(0, schema.get("maxLength").asLong()) * 4;
      } else if (schema.path("enum").size() > 0) {
        maxLength = 0;
        for (JsonNode value : schema.get("enum")) {
          maxLength = Math.max(maxLength, value.asText().getBytes(StandardCharsets.UTF_8).length);
        }
      } else {
        return unboundedString();
      }
      return new SchemaDecl(SimpleType.STRING, null, null, null, maxLength, MIN_STRING_SIZE);
    }

    private static SchemaDecl unboundedString() {
      // The whole request, less the two quotes.
      return new SchemaDecl(
          SimpleType.STRING, null, null, null, MAX_REQUEST_SIZE_BYTES - 2, MIN_STRING_SIZE);
    }

    private static SchemaDecl scalar(CelType type, long minSize) {
      return new SchemaDecl(type, null, null, null, 0, minSize);
    }

    private StructType struct(Map<String, SchemaDecl> fields) {
      // The apiserver names each rule's self type uniquely; any distinct names will do here.
      String name = "object" + structNames.size();
      structNames.add(name);
      return StructType.create(
          name,
          ImmutableSet.copyOf(fields.keySet()),
          field -> Optional.ofNullable(fields.get(field)).map(f -> f.celType));
    }

    /** Schema features whose CEL declaration the apiserver builds differently from the above. */
    private static void refuseUnmodelled(JsonNode schema) {
      for (String feature :
          List.of("x-kubernetes-int-or-string", "x-kubernetes-embedded-resource")) {
        if (schema.has(feature)) {
          throw new NotEstimableException("schema uses " + feature + ": " + schema);
        }
      }
      if (TYPED_STRING_FORMATS.contains(schema.path("format").asText())) {
        throw new NotEstimableException("string format with its own CEL type: " + schema);
      }
    }
  }
}

/**
 * Confluent Schema Registry's compatibility check for JSON Schema, for the local double's Schema Registry. A port
 * of confluentinc/schema-registry @ 794611bd86d, json-schema-provider/src/main/java/io/confluent/kafka/
 * schemaregistry/json/ (`diff/SchemaDiff.java`, `diff/ObjectSchemaDiff.java`, `diff/CombinedSchemaDiff.java`,
 * `diff/ArraySchemaDiff.java`, `diff/NumberSchemaDiff.java`, `diff/Difference.java`, `JsonSchema.isBackwardCompatible`)
 * and of how the levels use it (client/…/CompatibilityChecker.java, SchemaValidatorBuilder.java; core/…/storage/
 * AbstractSchemaRegistry.isCompatibleWithPrevious). Confluent documents the rules on
 * https://docs.confluent.io/cloud/current/sr/fundamentals/serdes-develop/serdes-json.html (JSON Schema compatibility
 * rules) and the levels on https://docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html.
 *
 * The schema is read the way Schema Registry's loader (everit-json-schema) reads it: one node per keyword family,
 * `type: [a, b]` as anyOf, several families in one object as a synthetic allOf; properties it does not know
 * (`connect.index`, `connect.version`, `connect.parameters`, `format`) play no part, except `connect.type: bytes`.
 * Policy STRICT, Schema Registry's default (LENIENT is a per-subject `compatibilityPolicy` that provider 2.83.4
 * cannot set). Not ported, because neither this stack nor Confluent's JSON Schema converter writes them: the
 * numeric, length, pattern, item-count, property-count, dependency and unevaluated* keywords, tuple `items`, `enum`,
 * `const`, `not` and `$ref`. A change to one of those is the double's own `NOT_MODELLED_BY_THE_DOUBLE` difference,
 * incompatible and named, never a silent pass.
 */

export const COMPATIBILITY_LEVELS = [
  "NONE",
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** A difference as SchemaDiff reports it: its type (Difference.Type) and the JSON path where it is. */
export interface Difference {
  type: string;
  path: string;
}

/** SchemaDiff.COMPATIBLE_CHANGES_STRICT: every other difference type makes the change incompatible. */
const COMPATIBLE_STRICT: ReadonlySet<string> = new Set([
  "ID_CHANGED",
  "DESCRIPTION_CHANGED",
  "TITLE_CHANGED",
  "DEFAULT_CHANGED",
  "SCHEMA_REMOVED",
  "TYPE_EXTENDED",
  "MAX_LENGTH_INCREASED",
  "MAX_LENGTH_REMOVED",
  "MIN_LENGTH_DECREASED",
  "MIN_LENGTH_REMOVED",
  "PATTERN_REMOVED",
  "MAXIMUM_INCREASED",
  "MAXIMUM_REMOVED",
  "MINIMUM_DECREASED",
  "MINIMUM_REMOVED",
  "EXCLUSIVE_MAXIMUM_INCREASED",
  "EXCLUSIVE_MAXIMUM_REMOVED",
  "EXCLUSIVE_MINIMUM_DECREASED",
  "EXCLUSIVE_MINIMUM_REMOVED",
  "MULTIPLE_OF_REDUCED",
  "MULTIPLE_OF_REMOVED",
  "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
  "REQUIRED_ATTRIBUTE_REMOVED",
  "DEPENDENCY_ARRAY_NARROWED",
  "DEPENDENCY_ARRAY_REMOVED",
  "DEPENDENCY_SCHEMA_REMOVED",
  "MAX_PROPERTIES_INCREASED",
  "MAX_PROPERTIES_REMOVED",
  "MIN_PROPERTIES_DECREASED",
  "MIN_PROPERTIES_REMOVED",
  "ADDITIONAL_PROPERTIES_ADDED",
  "ADDITIONAL_PROPERTIES_EXTENDED",
  "UNEVALUATED_PROPERTIES_ADDED",
  "UNEVALUATED_PROPERTIES_EXTENDED",
  "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
  "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
  "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
  "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
  "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
  "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  "MAX_ITEMS_INCREASED",
  "MAX_ITEMS_REMOVED",
  "MIN_ITEMS_DECREASED",
  "MIN_ITEMS_REMOVED",
  "MAX_CONTAINS_INCREASED",
  "MAX_CONTAINS_REMOVED",
  "MIN_CONTAINS_DECREASED",
  "MIN_CONTAINS_REMOVED",
  "UNIQUE_ITEMS_REMOVED",
  "ADDITIONAL_ITEMS_ADDED",
  "ADDITIONAL_ITEMS_EXTENDED",
  "UNEVALUATED_ITEMS_ADDED",
  "UNEVALUATED_ITEMS_EXTENDED",
  "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
  "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
  "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
  "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
  "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  "ENUM_ARRAY_EXTENDED",
  "COMBINED_TYPE_EXTENDED",
  "PRODUCT_TYPE_NARROWED",
  "SUM_TYPE_EXTENDED",
  "NOT_TYPE_NARROWED",
]);

export const isCompatibleChange = (d: Difference): boolean => COMPATIBLE_STRICT.has(d.type);

// ---------------------------------------------------------------------------------------------------------------
// The schema as the loader reads it

type Criterion = "allOf" | "anyOf" | "oneOf";

interface Annotations {
  /** Canonical text of the node, which identifies a subschema (CombinedSchemaDiff collapses equal ones). */
  text: string;
  id?: string;
  title?: string;
  description?: string;
  /** The `default` keyword's value as text, when present (a required property with a default is compatible). */
  default?: string;
  connectType?: string;
  /** The keywords of this node the port does not model, as text (compared only for equality). */
  unmodelled: Record<string, string>;
}

type Node = Annotations &
  (
    | { kind: "empty" | "false" | "string" | "boolean" | "null" }
    | { kind: "number"; integer: boolean }
    | {
        kind: "object";
        properties: Map<string, Node>;
        required: readonly string[];
        /** true/false, or the schema extra properties must match (a partially open model). */
        additionalProperties: boolean | Node;
        patternProperties: [RegExp, Node][];
      }
    | { kind: "array"; items?: Node }
    | { kind: "combined"; criterion: Criterion; subschemas: Node[] }
    /** `enum`, `const`, `not` or `$ref`: its own loader class in everit, compared here by its text. */
    | { kind: "enum" | "const" | "not" | "$ref" }
  );

const KEYWORDS_OF: Record<"object" | "array" | "string" | "number", readonly string[]> = {
  object: [
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "minProperties",
    "maxProperties",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "propertyNames",
    "unevaluatedProperties",
  ],
  array: [
    "items",
    "additionalItems",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "unevaluatedItems",
  ],
  string: ["minLength", "maxLength", "pattern", "format"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
};
const MODELLED = new Set(["properties", "required", "additionalProperties", "patternProperties", "items", "format"]);
const COMBINERS: readonly Criterion[] = ["allOf", "anyOf", "oneOf"];
const OWN_CLASSES = ["enum", "const", "not", "$ref"] as const;

/** Thrown for a schema Schema Registry would refuse to parse (the double answers 42201). */
export class InvalidJsonSchema extends Error {}

/** Reads a JSON Schema document (already parsed JSON) into the loader's nodes. */
export function loadJsonSchema(json: unknown): Node {
  if (json === true || json === false) return { ...annotations(json), kind: json ? "empty" : "false" };
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new InvalidJsonSchema(
      `Invalid JSON schema: expected an object or boolean at the root, found ${Array.isArray(json) ? "ARRAY" : typeof json}`,
    );
  const o = json as Record<string, unknown>;
  const parts: Node[] = [];
  for (const c of COMBINERS) if (c in o) parts.push(combined(c, o[c], o));
  for (const k of OWN_CLASSES) if (k in o) parts.push({ ...annotations(o, [k]), kind: k });
  parts.push(...typed(o));
  if (parts.length === 0) return { ...annotations(o), kind: "empty" };
  if (parts.length === 1) return parts[0];
  return { ...annotations(o), kind: "combined", criterion: "allOf", subschemas: parts.map(labelled) };
}

/** Parts read from one object share its text: tell them apart by what they are, so none collapses into another. */
function labelled(part: Node): Node {
  return { ...part, text: `${part.kind === "combined" ? part.criterion : part.kind}:${part.text}` };
}

function combined(criterion: Criterion, value: unknown, o: Record<string, unknown>): Node {
  if (!Array.isArray(value) || value.length === 0)
    throw new InvalidJsonSchema(`Invalid JSON schema: ${criterion} must be a non-empty array`);
  return { ...annotations(o), kind: "combined", criterion, subschemas: value.map(loadJsonSchema) };
}

/** The type-specific nodes: from `type` (an array of types is an anyOf), else from the keywords present. */
function typed(o: Record<string, unknown>): Node[] {
  const declared = o.type;
  if (declared === undefined)
    return (Object.keys(KEYWORDS_OF) as (keyof typeof KEYWORDS_OF)[])
      .filter((family) => KEYWORDS_OF[family].some((k) => k in o))
      .map((family) => ofType(family, o));
  if (Array.isArray(declared)) {
    const each = declared.map((t) => ofType(t, o));
    return each.length === 1
      ? each
      : [{ ...annotations(o), kind: "combined", criterion: "anyOf", subschemas: each.map(labelled) }];
  }
  return [ofType(declared, o)];
}

function ofType(type: unknown, o: Record<string, unknown>): Node {
  switch (type) {
    case "object": {
      const extra = o.additionalProperties;
      return {
        ...annotations(o, KEYWORDS_OF.object),
        kind: "object",
        properties: new Map(Object.entries(objectOf(o.properties)).map(([k, v]) => [k, loadJsonSchema(v)])),
        required: Array.isArray(o.required) ? o.required.map(String) : [],
        additionalProperties: extra === undefined ? true : typeof extra === "boolean" ? extra : loadJsonSchema(extra),
        patternProperties: Object.entries(objectOf(o.patternProperties)).map(([p, v]) => [
          new RegExp(p),
          loadJsonSchema(v),
        ]),
      };
    }
    case "array": {
      const single = o.items !== undefined && !Array.isArray(o.items);
      return {
        ...annotations(o, KEYWORDS_OF.array, single ? [] : ["items"]),
        kind: "array",
        items: single ? loadJsonSchema(o.items) : undefined,
      };
    }
    case "number":
    case "integer":
      return { ...annotations(o, KEYWORDS_OF.number), kind: "number", integer: type === "integer" };
    case "string":
      return { ...annotations(o, KEYWORDS_OF.string), kind: "string" };
    case "boolean":
    case "null":
      return { ...annotations(o), kind: type };
    default:
      throw new InvalidJsonSchema(`Invalid JSON schema: unknown type ${JSON.stringify(type)}`);
  }
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The node's annotations, and the given keywords it does not model (plus `forced`, modelled elsewhere but not here). */
function annotations(json: unknown, keywords: readonly string[] = [], forced: readonly string[] = []): Annotations {
  const o = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const text = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));
  const unmodelled = Object.fromEntries(
    keywords.filter((k) => k in o && (!MODELLED.has(k) || forced.includes(k))).map((k) => [k, JSON.stringify(o[k])]),
  );
  return {
    text: JSON.stringify(json),
    id: text(o.$id ?? o.id),
    title: text(o.title),
    description: text(o.description),
    default: text(o.default),
    connectType: typeof o["connect.type"] === "string" ? o["connect.type"] : undefined,
    unmodelled,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// SchemaDiff.compare: the differences from `original` (the schema the data was written with) to `update`

class Context {
  readonly diffs: Difference[] = [];
  constructor(readonly path: readonly string[] = []) {}

  add(type: string, attribute?: string): void {
    this.diffs.push({ type, path: `#/${[...this.path, ...(attribute ? [attribute] : [])].join("/")}` });
  }
  addAll(diffs: readonly Difference[]): void {
    this.diffs.push(...diffs);
  }
  at(segment: string): Context {
    return new Context([...this.path, segment]);
  }
  /** A context for a trial comparison at the same path, whose differences the caller may keep or drop. */
  sub(): Context {
    return new Context(this.path);
  }
  compatible(): boolean {
    return this.diffs.every(isCompatibleChange);
  }
}

/** Every difference from `original` to `update`, compatible or not, as SchemaDiff.compare lists them. */
export function schemaDiff(original: Node, update: Node): Difference[] {
  const ctx = new Context();
  compare(ctx, original, update);
  return ctx.diffs;
}

/** Compares in a child context at `segment` and keeps its differences. */
function compareAt(ctx: Context, segment: string, original: Node | undefined, update: Node | undefined): void {
  const child = ctx.at(segment);
  compare(child, original, update);
  ctx.addAll(child.diffs);
}

function trial(ctx: Context, original: Node, update: Node): Context {
  const sub = ctx.sub();
  compare(sub, original, update);
  return sub;
}

function compare(ctx: Context, original: Node | undefined, update: Node | undefined): void {
  if (!original && !update) return;
  if (!original || !update) {
    ctx.add(original ? "SCHEMA_REMOVED" : "SCHEMA_ADDED");
    return;
  }

  // SchemaDiff.compareTypes: a plain schema against a union, and a union against a plain schema.
  if (original.kind !== "combined" && update.kind === "combined") {
    if (update.subschemas.length === 1) {
      const sub = trial(ctx, original, update.subschemas[0]);
      if (sub.compatible()) {
        ctx.addAll(sub.diffs);
        return;
      }
    } else if (update.criterion !== "allOf") {
      for (const s of update.subschemas) {
        const sub = trial(ctx, original, s);
        if (sub.compatible()) {
          ctx.addAll(sub.diffs);
          ctx.add("SUM_TYPE_EXTENDED");
          return;
        }
      }
    }
  } else if (original.kind === "combined" && update.kind !== "combined") {
    if (original.subschemas.length === 1) {
      const sub = trial(ctx, original.subschemas[0], update);
      if (sub.compatible()) {
        ctx.addAll(sub.diffs);
        return;
      }
    } else if (original.criterion === "allOf") {
      for (const s of original.subschemas) {
        const sub = trial(ctx, s, update);
        if (sub.compatible()) {
          ctx.addAll(sub.diffs);
          ctx.add("PRODUCT_TYPE_NARROWED");
          return;
        }
      }
    }
  }

  if (original.kind !== update.kind) {
    // Anything may replace `false`, and `{}`/`true` accepts anything (TrueSchema extends EmptySchema).
    if (original.kind === "false" || update.kind === "empty") return;
    // "Allow two types with connect.type of bytes to be considered equivalent" (the converter's decimal fix).
    if (original.connectType === "bytes" && update.connectType === "bytes") return;
    ctx.add("TYPE_CHANGED");
    return;
  }

  if (original.id !== update.id) ctx.add("ID_CHANGED");
  if (original.title !== update.title) ctx.add("TITLE_CHANGED");
  if (original.description !== update.description) ctx.add("DESCRIPTION_CHANGED");
  if (original.default !== update.default) ctx.add("DEFAULT_CHANGED");
  compareUnmodelled(ctx, original, update);

  if (original.kind === "number" && update.kind === "number") {
    // NumberSchemaDiff: integer → number widens, number → integer narrows.
    if (original.integer !== update.integer) ctx.add(original.integer ? "TYPE_EXTENDED" : "TYPE_NARROWED");
  } else if (original.kind === "object" && update.kind === "object") {
    compareObjects(ctx, original, update);
  } else if (original.kind === "array" && update.kind === "array") {
    compareAt(ctx, "items", original.items, update.items);
  } else if (original.kind === "combined" && update.kind === "combined") {
    compareCombined(ctx, original, update);
  }
}

function compareUnmodelled(ctx: Context, original: Node, update: Node): void {
  for (const k of new Set([...Object.keys(original.unmodelled), ...Object.keys(update.unmodelled)]))
    if (original.unmodelled[k] !== update.unmodelled[k]) ctx.add("NOT_MODELLED_BY_THE_DOUBLE", k);
  if (OWN_CLASSES.some((k) => k === original.kind) && original.text !== update.text)
    ctx.add("NOT_MODELLED_BY_THE_DOUBLE");
}

type ObjectNode = Extract<Node, { kind: "object" }>;

/** ObjectSchemaDiff.compare: required, then properties, then additionalProperties. */
function compareObjects(ctx: Context, original: ObjectNode, update: ObjectNode): void {
  const required = ctx.at("required");
  for (const key of original.properties.keys()) {
    if (!update.properties.has(key)) continue;
    const was = original.required.includes(key);
    const is = update.required.includes(key);
    if (was && !is) required.add("REQUIRED_ATTRIBUTE_REMOVED", key);
    else if (!was && is)
      required.add(
        update.properties.get(key)?.default !== undefined
          ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
          : "REQUIRED_ATTRIBUTE_ADDED",
        key,
      );
  }
  ctx.addAll(required.diffs);

  const properties = ctx.at("properties");
  for (const key of new Set([...original.properties.keys(), ...update.properties.keys()])) {
    const at = properties.at(key);
    compareProperty(at, key, original, update);
    properties.addAll(at.diffs);
  }
  ctx.addAll(properties.diffs);

  const extra = ctx.at("additionalProperties");
  const permits = (o: ObjectNode) => o.additionalProperties !== false;
  const schemaOf = (o: ObjectNode) => (typeof o.additionalProperties === "object" ? o.additionalProperties : undefined);
  if (permits(original) !== permits(update))
    extra.add(permits(update) ? "ADDITIONAL_PROPERTIES_ADDED" : "ADDITIONAL_PROPERTIES_REMOVED");
  else if (!schemaOf(original) && schemaOf(update)) extra.add("ADDITIONAL_PROPERTIES_NARROWED");
  else if (schemaOf(original) && !schemaOf(update)) extra.add("ADDITIONAL_PROPERTIES_EXTENDED");
  else compare(extra, schemaOf(original), schemaOf(update));
  ctx.addAll(extra.diffs);
}

/** ObjectSchemaDiff.compareProperties for one property: removed, added, or in both. */
function compareProperty(ctx: Context, key: string, original: ObjectNode, update: ObjectNode): void {
  const was = original.properties.get(key);
  const is = update.properties.get(key);
  if (was && is) compare(ctx, was, is);
  else if (was) ctx.add(removal(ctx, key, was, update));
  else if (is) {
    for (const type of addition(ctx, key, is, original, update)) ctx.add(type);
  }
}

/** A property the update lacks: only the update's content model counts. */
function removal(ctx: Context, key: string, was: Node, update: ObjectNode): string {
  if (isOpenContentModel(update)) return "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL";
  const partial = partiallyOpenSchema(update, key);
  if (partial) {
    const sub = trial(ctx, was, partial);
    ctx.addAll(sub.diffs);
    return sub.compatible()
      ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
      : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
  }
  return was.kind === "false"
    ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
    : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL";
}

/** A property the original lacks: only the original's content model counts. */
function addition(ctx: Context, key: string, is: Node, original: ObjectNode, update: ObjectNode): string[] {
  const required = update.required.includes(key);
  const withDefault = is.default !== undefined;
  if (isOpenContentModel(original)) {
    if (is.kind === "empty") return ["PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"];
    if (!required) return ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"];
    return [
      withDefault
        ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
        : "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    ];
  }
  const types: string[] = [];
  const partial = partiallyOpenSchema(original, key);
  if (partial) {
    const sub = trial(ctx, partial, is);
    ctx.addAll(sub.diffs);
    types.push(
      sub.compatible()
        ? "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
        : "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    );
  }
  // For closed and partially open models alike.
  if (!required) types.push("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
  else
    types.push(
      withDefault
        ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
        : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    );
  return types;
}

/** ObjectSchemaDiff.isOpenContentModel: additionalProperties absent or true, and no patternProperties. */
function isOpenContentModel(o: ObjectNode): boolean {
  return o.additionalProperties === true && o.patternProperties.length === 0;
}

/** ObjectSchemaDiff.schemaFromPartiallyOpenContentModel: the first matching pattern, else additionalProperties. */
function partiallyOpenSchema(o: ObjectNode, key: string): Node | undefined {
  const pattern = o.patternProperties.find(([p]) => p.test(key));
  if (pattern) return pattern[1];
  return typeof o.additionalProperties === "object" ? o.additionalProperties : undefined;
}

type CombinedNode = Extract<Node, { kind: "combined" }>;

/** CombinedSchemaDiff.compare: the criteria, the sizes, then a maximum matching of compatible subschema pairs. */
function compareCombined(ctx: Context, original: CombinedNode, update: CombinedNode): void {
  const singleton = (c: CombinedNode) => c.subschemas.length === 1;
  if (original.criterion !== update.criterion) {
    const extended =
      update.criterion === "anyOf" ||
      (singleton(original) && singleton(update)) ||
      (singleton(original) && update.criterion === "oneOf") ||
      (singleton(update) && original.criterion === "allOf");
    ctx.add(extended ? "COMBINED_TYPE_EXTENDED" : "COMBINED_TYPE_CHANGED");
    if (!extended) return;
  }
  // Equal subschemas collapse (Schema Registry puts them in a set).
  const distinct = (c: CombinedNode) => [...new Map(c.subschemas.map((s) => [s.text, s])).values()];
  const olds = distinct(original);
  const news = distinct(update);
  if (olds.length < news.length) ctx.add(update.criterion === "allOf" ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED");
  else if (olds.length > news.length)
    ctx.add(original.criterion === "allOf" ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED");

  const edges = olds.map((o, i) =>
    news.map((n) => {
      const sub = trial(ctx.at(`${original.criterion}/${i}`), o, n);
      return sub.compatible() ? sub.diffs : undefined;
    }),
  );
  const matching = maximumMatching(edges.map((row) => row.map((d) => d !== undefined)));
  for (const [i, j] of matching) ctx.addAll(edges[i][j] ?? []);
  if (matching.length < Math.min(olds.length, news.length)) ctx.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED");
}

/** Pairs (left, right) of a maximum bipartite matching (augmenting paths; unions here have a handful of members). */
function maximumMatching(adjacent: boolean[][]): [number, number][] {
  const rightTo: (number | undefined)[] = [];
  const augment = (left: number, seen: Set<number>): boolean =>
    adjacent[left].some((ok, right) => {
      if (!ok || seen.has(right)) return false;
      seen.add(right);
      const other = rightTo[right];
      if (other !== undefined && !augment(other, seen)) return false;
      rightTo[right] = left;
      return true;
    });
  for (let left = 0; left < adjacent.length; left++) augment(left, new Set());
  return rightTo.flatMap((left, right) => (left === undefined ? [] : [[left, right] as [number, number]]));
}

// ---------------------------------------------------------------------------------------------------------------
// Messages and levels

const KEYWORD_ADDED_OR_REMOVED = new Set([
  "MAXIMUM_ADDED",
  "MINIMUM_ADDED",
  "EXCLUSIVE_MAXIMUM_ADDED",
  "EXCLUSIVE_MINIMUM_ADDED",
  "MULTIPLE_OF_ADDED",
  "MAX_LENGTH_ADDED",
  "MIN_LENGTH_ADDED",
  "PATTERN_ADDED",
  "REQUIRED_ATTRIBUTE_ADDED",
  "MAX_PROPERTIES_ADDED",
  "MIN_PROPERTIES_ADDED",
  "DEPENDENCY_ARRAY_ADDED",
  "DEPENDENCY_SCHEMA_ADDED",
  "MAX_ITEMS_ADDED",
  "MIN_ITEMS_ADDED",
  "MAX_CONTAINS_ADDED",
  "MIN_CONTAINS_ADDED",
  "UNIQUE_ITEMS_ADDED",
  "ADDITIONAL_ITEMS_REMOVED",
  "ADDITIONAL_PROPERTIES_REMOVED",
  "UNEVALUATED_PROPERTIES_REMOVED",
  "UNEVALUATED_ITEMS_REMOVED",
]);
const TYPE_NARROWED = new Set([
  "ADDITIONAL_ITEMS_NARROWED",
  "ENUM_ARRAY_NARROWED",
  "SUM_TYPE_NARROWED",
  "ADDITIONAL_PROPERTIES_NARROWED",
  "UNEVALUATED_PROPERTIES_NARROWED",
  "UNEVALUATED_ITEMS_NARROWED",
]);
const TYPE_EXTENDED = new Set([
  "DEPENDENCY_ARRAY_EXTENDED",
  "PRODUCT_TYPE_EXTENDED",
  "SUM_TYPE_EXTENDED",
  "NOT_TYPE_EXTENDED",
]);
const TYPE_CHANGED = new Set([
  "TYPE_CHANGED",
  "TYPE_NARROWED",
  "COMBINED_TYPE_CHANGED",
  "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
  "ENUM_ARRAY_CHANGED",
]);
const ADDED_TO_OPEN = new Set([
  "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
  "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
  "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
  "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
]);

/** Difference.error(): the description, `reader` and `writer` in place of its two `%s`. */
function description({ type, path }: Difference, reader: string, writer: string): string {
  if (KEYWORD_ADDED_OR_REMOVED.has(type))
    return `The keyword at path '${path}' in the ${reader} schema is not present in the ${writer} schema`;
  if (TYPE_NARROWED.has(type))
    return `An array or combined type at path '${path}' has fewer elements in the ${reader} schema than the ${writer} schema`;
  if (TYPE_EXTENDED.has(type))
    return `An array or combined type at path '${path}' has more elements in the ${reader} schema than the ${writer} schema`;
  if (TYPE_CHANGED.has(type))
    return `A type at path '${path}' is different between the ${reader} schema and the ${writer} schema`;
  if (ADDED_TO_OPEN.has(type))
    return `The ${reader} schema has an open content model and has a property or item at path '${path}' which is missing in the ${writer} schema`;
  switch (type) {
    case "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL":
      return `The ${reader} schema has an unopen content model and has a required property at path '${path}' which is missing in the ${writer} schema`;
    case "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL":
      return `The ${reader} has a closed content model and is missing a property or item present at path '${path}' in the ${writer} schema`;
    case "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
      return `A property or item is missing in the ${reader} schema but present at path '${path}' in the ${writer} schema and is not covered by its partially open content model`;
    case "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
      return `The ${reader} schema has a property or item at path '${path}' which is missing in the ${writer} schema and is not covered by its partially open content model`;
    case "NOT_MODELLED_BY_THE_DOUBLE":
      return `The keyword at path '${path}' differs between the ${reader} and ${writer} schema, and the local Confluent API double does not model its compatibility rule`;
    default:
      return "";
  }
}

/** Difference.toString() with the reader and writer filled in (its closing `'}` is Schema Registry's). */
export function differenceMessage(d: Difference, reader: string, writer: string): string {
  return `{errorType:"${d.type}", description:"${description(d, reader, writer)}'}`;
}

/** A version of the subject: its number, schema type and canonical text. */
export interface SubjectVersion {
  version: number;
  schemaType: string;
  schema: string;
}

const MAX_SCHEMA_SIZE_FOR_LOGGING = 10 * 1024;

/**
 * Why `candidate` may not be added to a subject with these live versions (oldest first) under `level`: Schema
 * Registry's messages, [] when compatible. Non-transitive levels check the latest version, transitive ones every
 * version from the newest back, stopping at the first that fails (CompatibilityChecker, SchemaValidatorBuilder).
 * BACKWARD: the new schema reads data written with the old; FORWARD: the old reads the new; FULL: both.
 */
export function compatibilityMessages(
  level: CompatibilityLevel,
  candidate: Omit<SubjectVersion, "version">,
  previous: readonly SubjectVersion[],
): string[] {
  if (level === "NONE") return [];
  const against = level.endsWith("_TRANSITIVE") ? [...previous].reverse() : previous.slice(-1);
  const direction = level.replace(/_TRANSITIVE$/, "");
  for (const existing of against) {
    const messages =
      candidate.schemaType !== existing.schemaType
        ? ["Incompatible because of different schema type"]
        : candidate.schemaType !== "JSON"
          ? [] // Avro and Protobuf rules are not modelled: this stack registers JSON Schema only
          : [
              // FORWARD (and FULL, first): the old schema reads data the new one writes.
              ...(direction === "BACKWARD"
                ? []
                : readerMessages(existing, candidate, ["old", "new"], direction === "FORWARD" ? existing : undefined)),
              // BACKWARD (and FULL, second): the new schema reads data the old one wrote.
              ...(direction === "FORWARD" ? [] : readerMessages(candidate, existing, ["new", "old"], existing)),
            ];
    if (messages.length > 0) return [...messages, `{validateFields: 'false', compatibility: '${level}'}`];
  }
  return [];
}

/**
 * `reader.isBackwardCompatible(writer)`: the incompatible differences from the writer's schema to the reader's,
 * named by `roles` ([reader, writer]: "new"/"old"), then, when `old` is given, that version's number and text, as
 * SchemaValidatorBuilder.formatErrorMessages appends them.
 */
function readerMessages(
  reader: Omit<SubjectVersion, "version">,
  writer: Omit<SubjectVersion, "version">,
  roles: [string, string],
  old?: SubjectVersion,
): string[] {
  const diffs = schemaDiff(loadJsonSchema(JSON.parse(writer.schema)), loadJsonSchema(JSON.parse(reader.schema)));
  const incompatible = diffs.filter((d) => !isCompatibleChange(d)).map((d) => differenceMessage(d, ...roles));
  if (incompatible.length === 0 || !old) return incompatible;
  const text =
    old.schema.length <= MAX_SCHEMA_SIZE_FOR_LOGGING
      ? `'${old.schema}'`
      : `<truncated> '${old.schema.slice(0, MAX_SCHEMA_SIZE_FOR_LOGGING)}...'`;
  return [...incompatible, `{oldSchemaVersion: ${old.version}}`, `{oldSchema: ${text}}`];
}

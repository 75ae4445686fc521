/**
 * The routing-rule model: what filters.yaml means once validated. Shared by the SQL generator, the reference
 * evaluator and the stack, so all three agree on one meaning.
 */
import {
  type CapturedTable,
  CONNECTOR_FIELDS,
  type ConnectType,
  type DeclaredColumn,
  FLINK_TYPES,
} from "../stages/tables";

/**
 * The table every stage captured before sources were declared, with its columns as the connector emits them: a
 * filters file without `sources` reads it on `source.topic` (default raw-business-events).
 */
export const BUSINESS_EVENTS_COLUMNS: readonly DeclaredColumn[] = [
  { name: "id", type: "string", optional: false },
  { name: "event_name", type: "string", optional: true },
  { name: "event_type", type: "string", optional: true },
  { name: "created_date", type: "string", optional: true },
  { name: "saved_date", type: "string", optional: true },
  // jsonb: Debezium emits it as a JSON string (io.debezium.data.Json).
  { name: "event_data", type: "json", optional: true },
];
export const LEGACY_SOURCE_TOPIC = "raw-business-events";
export const LEGACY_SOURCE_TABLE = { schema: "public", table: "business_events" } as const;

/** A captured table as the filters file declares it: the table, and the stages that capture it. */
export interface Source extends CapturedTable {
  /** Stages whose connector captures this table, in STAGE_NAMES order. */
  readonly stages: readonly string[];
  /** `file:line:col` of the declaration, for errors found after validation (lock/evolution.ts). */
  readonly location?: string;
}

/** The connector's fields filters may read and route besides the table's columns (not `__deleted`). */
const ROUTED_CONNECTOR_FIELDS = CONNECTOR_FIELDS.filter((c) => c.name !== "__deleted");

/** Fields of a source's raw records a filter may read or route: its columns, then __op, __table, __ts_ms. */
export function sourceFields(source: CapturedTable): readonly DeclaredColumn[] {
  return [...source.columns, ...ROUTED_CONNECTOR_FIELDS];
}

export const fieldNames = (source: CapturedTable): string[] => sourceFields(source).map((c) => c.name);

/** Flink SQL type of each field of a source. */
export function fieldTypes(source: CapturedTable): ReadonlyMap<string, string> {
  return new Map(sourceFields(source).map((c) => [c.name, FLINK_TYPES[c.type]]));
}

const NUMERIC_TYPES: ReadonlySet<ConnectType> = new Set(["int32", "int64", "float64"]);
export const isNumeric = (type: ConnectType): boolean => NUMERIC_TYPES.has(type);

/** Debezium `__op` codes by the names filters use, so a reader never has to remember that 'r' is a snapshot. */
export const OPERATION_CODES = { create: "c", update: "u", delete: "d", snapshot: "r" } as const;
export type Operation = keyof typeof OPERATION_CODES;
export const OPERATIONS = Object.keys(OPERATION_CODES) as Operation[];

export const COMPARISON_OPS = [
  "equals",
  "notEquals",
  "greaterThan",
  "greaterThanOrEqual",
  "lessThan",
  "lessThanOrEqual",
  "contains",
  "startsWith",
  "endsWith",
  "matches",
] as const;
export const LIST_OPS = ["in", "notIn"] as const;
export const RANGE_OPS = ["between"] as const;
export const NULL_OPS = ["isNull", "isNotNull"] as const;
export const ALL_OPS = [...COMPARISON_OPS, ...LIST_OPS, ...RANGE_OPS, ...NULL_OPS] as const;

export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export type Op = (typeof ALL_OPS)[number];
/** Text operators only make sense on strings; a `type: number` on them is rejected. */
export const STRING_ONLY_OPS: ReadonlySet<Op> = new Set(["contains", "startsWith", "endsWith", "matches"]);

/** Operators that order values; on text their literals are limited (see `orderedTextProblem` in load.ts). */
export const ORDER_OPS: ReadonlySet<Op> = new Set([
  "greaterThan",
  "greaterThanOrEqual",
  "lessThan",
  "lessThanOrEqual",
  "between",
]);

export type ValueType = "string" | "number";
export type Scalar = string | number;

/**
 * A field: a column of the filter's source (numeric when its type is), or a JSON path into one of its json columns
 * (segments are names or array indexes).
 */
export type FieldRef =
  | { kind: "column"; column: string; numeric: boolean }
  | { kind: "json"; column: string; path: ReadonlyArray<string | number> };

/** One string per distinct field, for maps and flattened events: a column's name, or the column and its JSON path. */
export const fieldKey = (f: FieldRef): string =>
  f.kind === "column" ? f.column : `${f.column}.${JSON.stringify(f.path)}`;

export type Predicate =
  | { kind: "compare"; field: FieldRef; fieldText: string; op: ComparisonOp; type: ValueType; value: Scalar }
  | { kind: "list"; field: FieldRef; fieldText: string; op: "in" | "notIn"; type: ValueType; values: Scalar[] }
  | { kind: "range"; field: FieldRef; fieldText: string; op: "between"; type: ValueType; min: Scalar; max: Scalar }
  | { kind: "null"; field: FieldRef; fieldText: string; op: "isNull" | "isNotNull" };

export type Condition =
  | Predicate
  | { kind: "all"; of: Condition[] }
  | { kind: "any"; of: Condition[] }
  | { kind: "not"; of: Condition };

export interface Filter {
  name: string;
  description: string;
  consumer: string;
  outputTopic: string;
  enabled: boolean;
  /** Stages this filter is deployed to. */
  stages: string[];
  /** Bumped on a semantic change; part of the Flink statement name. */
  version: number;
  operations: Operation[];
  /** Undefined: every event of the chosen operations. */
  condition?: Condition;
  /** The raw topic it reads: its source's. */
  source: string;
  /** The fields it routes, in order. */
  columns: string[];
  /**
   * True when the file lists no `columns`: the filter routes every field of its source, as they were when its
   * version was locked (lock/stage-lock.ts), so a column added to the source reaches it only with a new version.
   */
  defaultColumns: boolean;
}

/** Alert thresholds a consumer sets for itself (filters.yaml `consumers:`); unset ones are its stage's. */
export interface ConsumerThresholds {
  /** Records its group may lag behind its topics' ends. */
  readonly maxLag?: number;
  /** How long the lag stays above maxLag before it alerts (a Prometheus duration, lib/duration.ts). */
  readonly lagFor?: string;
  /** How long its group may be missing from the lag metric before it alerts. */
  readonly absentFor?: string;
}

export interface FilterSet {
  /** The raw topic of filters that name no source. */
  sourceTopic: string;
  /** Every captured table, by raw topic, in file order. */
  sources: ReadonlyMap<string, Source>;
  filters: Filter[];
  /**
   * Consumers' own alert thresholds, by consumer (monitoring/model.ts).
   * @default - none: every consumer alerts on its stage's thresholds
   */
  consumers?: ReadonlyMap<string, ConsumerThresholds>;
}

/** The tables a stage captures, in file order. */
export function sourcesForStage(set: FilterSet, stage: string): Source[] {
  return [...set.sources.values()].filter((s) => s.stages.includes(stage));
}

/** The raw topics the filters read, each once, in file order. */
export function sourceTopicsOf(filters: readonly Filter[]): string[] {
  return [...new Set(filters.map((f) => f.source))];
}

/** Filters deployed to a stage: enabled and listing the stage, in file order. */
export function filtersForStage(set: FilterSet, stage: string): Filter[] {
  return set.filters.filter((f) => f.enabled && f.stages.includes(stage));
}

/** Renders a JSON path as SQL/JSON path text: $.a.b[0].c */
export function jsonPathText(path: ReadonlyArray<string | number>): string {
  return `$${path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`;
}

/** The leaf predicates of a condition tree, in order. */
export function predicatesOf(c: Condition | undefined): Predicate[] {
  if (!c) return [];
  if (c.kind === "all" || c.kind === "any") return c.of.flatMap(predicatesOf);
  if (c.kind === "not") return predicatesOf(c.of);
  return [c];
}

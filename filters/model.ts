/**
 * The routing-rule model: what filters.yaml means once validated. Shared by the SQL generator, the reference
 * evaluator and the stack, so all three agree on one meaning.
 */

/** Columns of raw-business-events, in record order, with their Flink SQL types. */
export const RAW_COLUMNS = [
  { name: "id", type: "STRING" },
  { name: "event_name", type: "STRING" },
  { name: "event_type", type: "STRING" },
  { name: "created_date", type: "STRING" },
  { name: "saved_date", type: "STRING" },
  { name: "event_data", type: "STRING" },
  { name: "__op", type: "STRING" },
  { name: "__table", type: "STRING" },
  { name: "__ts_ms", type: "BIGINT" },
] as const;

export type RawColumnName = (typeof RAW_COLUMNS)[number]["name"];
export const RAW_COLUMN_NAMES: readonly RawColumnName[] = RAW_COLUMNS.map((c) => c.name);
/** Flink SQL type of each raw column. */
export const RAW_COLUMN_TYPES: ReadonlyMap<string, string> = new Map(RAW_COLUMNS.map((c) => [c.name, c.type]));
export const NUMERIC_COLUMNS: ReadonlySet<string> = new Set(
  RAW_COLUMNS.filter((c) => c.type === "BIGINT").map((c) => c.name),
);

/** The column holding the event JSON; `event_data.<path>` fields read into it with JSON_VALUE. */
export const EVENT_DATA_COLUMN = "event_data";

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

/** A field: a flat raw column, or a JSON path into event_data (segments are names or array indexes). */
export type FieldRef =
  | { kind: "column"; column: RawColumnName }
  | { kind: "json"; path: ReadonlyArray<string | number> };

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
  columns: RawColumnName[];
}

export interface FilterSet {
  sourceTopic: string;
  filters: Filter[];
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

/**
 * Reference evaluator: decides which filters match one raw event with the same semantics as the generated SQL
 * (SQL three-valued logic: a predicate on a missing value is UNKNOWN, and only TRUE routes the event).
 * The real-engine tests compare Flink's routing with this.
 */
import {
  type Condition,
  type FieldRef,
  type Filter,
  type FilterSet,
  filtersForStage,
  OPERATION_CODES,
  type Predicate,
  type Scalar,
  type ValueType,
} from "./model";
import { findsMatch } from "./regex";

/** A raw record as it arrives on a raw topic (flat JSON). */
export type RawEvent = Record<string, unknown>;

/** In a corpus of raw records (JSON Lines), the field naming a record's raw topic; not a payload field. */
export const CORPUS_TOPIC_FIELD = "__topic";

/** SQL boolean: null is UNKNOWN. */
type Tri = boolean | null;

/** Java's Double.parseDouble as Flink's string-to-double cast applies it (trimmed; NaN/Infinity; f/d suffix). */
const JAVA_DOUBLE = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/;
export function parseJavaDouble(text: string): number | null {
  const t = text.trim();
  if (!JAVA_DOUBLE.test(t)) return null;
  return Number(t.replace(/[fFdD]$/, ""));
}

/** JSON_VALUE: the scalar at the path as text; NULL for a missing path, JSON null, an object or an array. */
export function jsonValue(json: unknown, path: ReadonlyArray<string | number>): string | null {
  if (typeof json !== "string") return null;
  let cur: unknown;
  try {
    cur = JSON.parse(json);
  } catch {
    return null;
  }
  for (const seg of path) {
    if (typeof seg === "number") {
      if (!Array.isArray(cur) || seg >= cur.length) return null;
      cur = cur[seg];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return null;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  if (typeof cur === "string") return cur;
  if (typeof cur === "number" || typeof cur === "boolean") return String(cur);
  return null;
}

function fieldValue(event: RawEvent, field: FieldRef, type: ValueType): Scalar | null {
  let v: unknown;
  if (field.kind === "column") v = event[field.column];
  else v = jsonValue(event[field.column], field.path);
  if (v === null || v === undefined) return null;
  if (type === "number") {
    if (typeof v === "number") return v;
    return typeof v === "string" ? parseJavaDouble(v) : null;
  }
  return typeof v === "string" ? v : String(v);
}

const utf8 = new TextEncoder();
/** Equal as Flink compares them: two strings or two numbers of the same value (no encoding needed for that). */
const sameScalar = (a: Scalar, b: Scalar): boolean => (typeof a === typeof b ? a === b : compareScalars(a, b) === 0);

/** Flink compares strings by their UTF-8 bytes; JavaScript's < compares UTF-16 units. */
function compareScalars(a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  const x = utf8.encode(String(a));
  const y = utf8.encode(String(b));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function evalPredicate(p: Predicate, event: RawEvent): Tri {
  if (p.kind === "null") {
    const v = fieldValue(event, p.field, "string");
    return p.op === "isNull" ? v === null : v !== null;
  }
  const v = fieldValue(event, p.field, p.type);
  if (v === null || (typeof v === "number" && Number.isNaN(v))) return null;
  switch (p.kind) {
    case "list": {
      const hit = p.values.some((x) => sameScalar(v, x));
      return p.op === "in" ? hit : !hit;
    }
    case "range":
      return compareScalars(v, p.min) >= 0 && compareScalars(v, p.max) <= 0;
    case "compare": {
      const s = String(v);
      const needle = String(p.value);
      switch (p.op) {
        case "contains":
          return s.includes(needle);
        case "startsWith":
          return s.startsWith(needle);
        case "endsWith":
          return s.endsWith(needle);
        case "matches":
          return findsMatch(needle, s);
        case "equals":
          return sameScalar(v, p.value);
        case "notEquals":
          return !sameScalar(v, p.value);
        case "greaterThan":
          return compareScalars(v, p.value) > 0;
        case "greaterThanOrEqual":
          return compareScalars(v, p.value) >= 0;
        case "lessThan":
          return compareScalars(v, p.value) < 0;
        case "lessThanOrEqual":
          return compareScalars(v, p.value) <= 0;
      }
    }
  }
}

/** Kleene AND/OR: the deciding value wins outright; otherwise UNKNOWN if any part was UNKNOWN. */
function combine(parts: Condition[], event: RawEvent, deciding: boolean): Tri {
  let unknown = false;
  for (const x of parts) {
    const r = evaluateCondition(x, event);
    if (r === deciding) return deciding;
    if (r === null) unknown = true;
  }
  return unknown ? null : !deciding;
}

export function evaluateCondition(c: Condition, event: RawEvent): Tri {
  switch (c.kind) {
    case "all":
      return combine(c.of, event, false);
    case "any":
      return combine(c.of, event, true);
    case "not": {
      const r = evaluateCondition(c.of, event);
      return r === null ? null : !r;
    }
    default:
      return evalPredicate(c, event);
  }
}

export function filterMatches(filter: Filter, event: RawEvent): boolean {
  const op = event.__op;
  if (!filter.operations.some((o) => OPERATION_CODES[o] === op)) return false;
  return filter.condition === undefined || evaluateCondition(filter.condition, event) === true;
}

/** Output topics that receive an event of raw topic `source` in this stage, in file order. */
export function routeEvent(set: FilterSet, stage: string, event: RawEvent, source = set.sourceTopic): string[] {
  return filtersForStage(set, stage)
    .filter((f) => f.source === source && filterMatches(f, event))
    .map((f) => f.outputTopic);
}

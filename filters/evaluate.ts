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

type Read = (event: RawEvent) => Scalar | null;

/** The field's value as the predicate compares it: NULL when missing, a number for numeric comparisons. */
function fieldReader(field: FieldRef, type: ValueType): Read {
  const raw: (event: RawEvent) => unknown =
    field.kind === "column" ? (event) => event[field.column] : (event) => jsonValue(event[field.column], field.path);
  if (type === "number")
    return (event) => {
      const v = raw(event);
      if (typeof v === "number") return v;
      return typeof v === "string" ? parseJavaDouble(v) : null;
    };
  return (event) => {
    const v = raw(event);
    if (v === null || v === undefined) return null;
    return typeof v === "string" ? v : String(v);
  };
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

type Test = (v: Scalar) => boolean;

/** The test a present (non-NULL, non-NaN) value must pass, with the predicate's constants prepared once. */
function valueTest(p: Exclude<Predicate, { kind: "null" }>): Test {
  switch (p.kind) {
    case "list": {
      const hit = (v: Scalar) => p.values.some((x) => sameScalar(v, x));
      return p.op === "in" ? hit : (v) => !hit(v);
    }
    case "range":
      return (v) => compareScalars(v, p.min) >= 0 && compareScalars(v, p.max) <= 0;
    case "compare": {
      const needle = String(p.value);
      switch (p.op) {
        case "contains":
          return (v) => String(v).includes(needle);
        case "startsWith":
          return (v) => String(v).startsWith(needle);
        case "endsWith":
          return (v) => String(v).endsWith(needle);
        case "matches":
          return (v) => findsMatch(needle, String(v));
        case "equals":
          return (v) => sameScalar(v, p.value);
        case "notEquals":
          return (v) => !sameScalar(v, p.value);
        case "greaterThan":
          return (v) => compareScalars(v, p.value) > 0;
        case "greaterThanOrEqual":
          return (v) => compareScalars(v, p.value) >= 0;
        case "lessThan":
          return (v) => compareScalars(v, p.value) < 0;
        case "lessThanOrEqual":
          return (v) => compareScalars(v, p.value) <= 0;
      }
    }
  }
}

type Evaluate = (event: RawEvent) => Tri;

function compilePredicate(p: Predicate): Evaluate {
  if (p.kind === "null") {
    const read = fieldReader(p.field, "string");
    return p.op === "isNull" ? (event) => read(event) === null : (event) => read(event) !== null;
  }
  const read = fieldReader(p.field, p.type);
  const test = valueTest(p);
  return (event) => {
    const v = read(event);
    if (v === null || (typeof v === "number" && Number.isNaN(v))) return null;
    return test(v);
  };
}

/** Kleene AND/OR: the deciding value wins outright; otherwise UNKNOWN if any part was UNKNOWN. */
function combine(parts: Evaluate[], deciding: boolean): Evaluate {
  return (event) => {
    let unknown = false;
    for (const part of parts) {
      const r = part(event);
      if (r === deciding) return deciding;
      if (r === null) unknown = true;
    }
    return unknown ? null : !deciding;
  };
}

function compileCondition(c: Condition): Evaluate {
  switch (c.kind) {
    case "all":
      return combine(c.of.map(compiled), false);
    case "any":
      return combine(c.of.map(compiled), true);
    case "not": {
      const inner = compiled(c.of);
      return (event) => {
        const r = inner(event);
        return r === null ? null : !r;
      };
    }
    default:
      return compilePredicate(c);
  }
}

/** build(key), made once per key object and kept while that object lives. */
function oncePer<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const built = new WeakMap<K, V>();
  return (key) => {
    let value = built.get(key);
    if (value === undefined) {
      value = build(key);
      built.set(key, value);
    }
    return value;
  };
}

/**
 * Each condition is turned into closures once (constants prepared, dispatch decided) and kept while the condition
 * object lives: the impact of a change evaluates hundreds of filters over a corpus of 100,000 events.
 */
const compiled = oncePer(compileCondition);

export function evaluateCondition(c: Condition, event: RawEvent): Tri {
  return compiled(c)(event);
}

/** The filter as one test of an event (its operations, then its condition), prepared once per filter object. */
export const filterMatcher = oncePer((filter: Filter): ((event: RawEvent) => boolean) => {
  const codes = new Set<unknown>(filter.operations.map((o) => OPERATION_CODES[o]));
  const condition = filter.condition && compiled(filter.condition);
  return condition ? (event) => codes.has(event.__op) && condition(event) === true : (event) => codes.has(event.__op);
});

export function filterMatches(filter: Filter, event: RawEvent): boolean {
  return filterMatcher(filter)(event);
}

/** Output topics that receive an event of raw topic `source` in this stage, in file order. */
export function routeEvent(set: FilterSet, stage: string, event: RawEvent, source = set.sourceTopic): string[] {
  return filtersForStage(set, stage)
    .filter((f) => f.source === source && filterMatches(f, event))
    .map((f) => f.outputTopic);
}

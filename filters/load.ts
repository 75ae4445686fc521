/**
 * Reads filters.yaml into a validated FilterSet. Every problem is collected (nothing stops at the first) and
 * reported with file:line:column from the YAML source, the filter it belongs to, and what would be valid.
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { z } from "zod";
import {
  ALL_OPS,
  EVENT_DATA_COLUMN,
  NUMERIC_COLUMNS,
  OPERATIONS,
  ORDER_OPS,
  RAW_COLUMN_NAMES,
  STRING_ONLY_OPS,
  type Condition,
  type FieldRef,
  type Filter,
  type FilterSet,
  type Op,
  type RawColumnName,
  type Scalar,
  type ValueType,
} from "./model";
import { STAGE_NAMES } from "../stages/names";
import { scopeProblems } from "../access/grants";
import { portableRegex } from "./regex";
import { operatorSuggestion } from "./operator-spelling";
import { suggestion } from "../lib/suggest";

export type Path = ReadonlyArray<string | number>;

export interface FilterIssue {
  path: Path;
  message: string;
  hint?: string;
  /** Point at the key of the last path element rather than its value (unknown keys). */
  atKey?: boolean;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export class FilterValidationError extends Error {
  /** `summary` counts the errors (it may say more exist than are listed, e.g. cascading YAML errors). */
  constructor(
    readonly errors: string[],
    readonly summary = plural(errors.length, "error"),
  ) {
    super(`${summary} in filters:\n${errors.join("\n")}`);
  }

  /** What a command prints: one `error:` line per error, then the count. */
  report(): string {
    return [...this.errors.map((m) => `error: ${m}`), this.summary].join("\n");
  }
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const KAFKA_TOPIC = /^[a-zA-Z0-9._-]+$/;
/** Statement names carry stage, filter name and version; Confluent caps names, so filter names stay short. */
export const MAX_FILTER_NAME = 40;
const JSON_PATH_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function kafkaTopicProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > 249) return `is ${name.length} characters long; Kafka allows at most 249`;
  if (name === "." || name === "..") return "cannot be '.' or '..'";
  if (!KAFKA_TOPIC.test(name)) return "may contain only ASCII letters, digits, '.', '_' and '-'";
  return undefined;
}

// Structural schema: zod checks keys and types; meaning (fields, operators, values) is checked by hand below,
// where the messages can name operators and suggest fixes.
const filterShape = z.strictObject({
  name: z.string(),
  description: z.string().min(1),
  consumer: z.string().optional(),
  outputTopic: z.string(),
  enabled: z.boolean().default(true),
  stages: z.array(z.string()).min(1).optional(),
  version: z.number().int().min(1),
  operations: z.array(z.string()).min(1),
  conditions: z.unknown().optional(),
  columns: z.array(z.string()).min(1).optional(),
});
const documentShape = z.strictObject({
  source: z.strictObject({ topic: z.string() }).optional(),
  filters: z.array(z.unknown()),
});
const FILTER_KEYS = Object.keys(filterShape.shape);
const PREDICATE_KEYS = ["field", "op", "value", "values", "min", "max", "type"];
const GROUP_KEYS = ["all", "any", "not"];

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** Maps a zod issue to our wording; zod's own messages do not name keys or suggest fixes. */
function fromZodIssue(issue: z.core.$ZodIssue, base: Path, input: unknown, allowedKeys: string[]): FilterIssue[] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const key = path[path.length - 1];
  const label = typeof key === "number" ? `item ${key + 1}` : `'${String(key)}'`;
  const actual = valueAt(input, issue.path as Path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => ({
        path: [...path, k],
        message: `unknown key '${k}'`,
        hint: suggestion(k, allowedKeys),
        atKey: true,
      }));
    case "invalid_type":
      if (actual === undefined) {
        return [{ path: path.slice(0, -1), message: `missing required key '${String(key)}'` }];
      }
      return [{ path, message: `${label} must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}, got ${typeName(actual)}` }];
    case "too_small":
      if (Array.isArray(actual) || typeof actual === "string") return [{ path, message: `${label} must not be empty` }];
      return [{ path, message: `${label} must be at least ${String(issue.minimum)}, got ${String(actual)}` }];
    default:
      return [{ path, message: `${label}: ${issue.message}` }];
  }
}

function parseField(text: string, path: Path, issues: FilterIssue[]): FieldRef | undefined {
  if ((RAW_COLUMN_NAMES as readonly string[]).includes(text)) return { kind: "column", column: text as RawColumnName };
  const prefix = EVENT_DATA_COLUMN + ".";
  if (!text.startsWith(prefix)) {
    issues.push({
      path,
      message: `unknown field '${text}'`,
      hint: `${suggestion(text, RAW_COLUMN_NAMES)}; JSON fields are written ${prefix}<path>`,
    });
    return undefined;
  }
  const segments: (string | number)[] = [];
  // name, name[0], name[0][1] ...
  for (const part of text.slice(prefix.length).split(".")) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m || !JSON_PATH_SEGMENT.test(m[1])) {
      issues.push({
        path,
        message: `invalid JSON path '${text}' (segment '${part}')`,
        hint: "segments are names of letters, digits and '_', optionally followed by [index]",
      });
      return undefined;
    }
    segments.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) segments.push(Number(idx[1]));
  }
  return { kind: "json", path: segments };
}

function checkScalar(v: unknown, type: ValueType, path: Path, issues: FilterIssue[]): v is Scalar {
  const key = path[path.length - 1];
  if (type === "number") {
    if (typeof v === "number" && Number.isFinite(v)) return true;
    issues.push({ path, message: `'${String(key)}' must be a number because the comparison has type number, got ${typeName(v)}` });
    return false;
  }
  if (typeof v === "string") return true;
  issues.push({
    path,
    message: `'${String(key)}' must be a string, got ${typeName(v)}`,
    hint: typeof v === "number" ? "quote it, or add 'type: number' to compare numerically" : undefined,
  });
  return false;
}

/**
 * Flink orders two strings by UTF-16 code units while both are Java strings, and by UTF-8 bytes once serialized;
 * the two orders differ only between U+E000..U+FFFF and characters above U+FFFF. A literal made only of
 * characters below U+D800 compares the same way in both orders, whatever the event holds.
 */
export function orderedTextProblem(value: string): string | undefined {
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800) return `'${ch}' (U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
  }
  return undefined;
}

function checkOrderedText(v: Scalar, op: Op, path: Path, issues: FilterIssue[]): void {
  const problem = typeof v === "string" ? orderedTextProblem(v) : undefined;
  if (problem === undefined) return;
  issues.push({
    path,
    message: `'${op}' on text cannot take ${problem}: Flink orders characters from U+D800 up differently depending on how a record was read, so the filter would route inconsistently`,
    hint: "order text only on values made of characters below U+D800 (dates, codes), or use equals, in or startsWith",
  });
}

function parsePredicate(raw: Record<string, unknown>, path: Path, issues: FilterIssue[]): Condition | undefined {
  const before = issues.length;
  for (const k of Object.keys(raw)) {
    if (!PREDICATE_KEYS.includes(k)) {
      issues.push({ path: [...path, k], message: `unknown key '${k}' in condition`, hint: suggestion(k, PREDICATE_KEYS), atKey: true });
    }
  }
  if (typeof raw.field !== "string") {
    issues.push(raw.field === undefined ? { path, message: "condition is missing 'field'" } : { path: [...path, "field"], message: `'field' must be a string, got ${typeName(raw.field)}` });
  }
  if (typeof raw.op !== "string") {
    issues.push(raw.op === undefined ? { path, message: "condition is missing 'op'", hint: `expected one of: ${ALL_OPS.join(", ")}` } : { path: [...path, "op"], message: `'op' must be a string, got ${typeName(raw.op)}` });
    return undefined;
  }
  const op = raw.op as Op;
  if (!(ALL_OPS as readonly string[]).includes(op)) {
    issues.push({ path: [...path, "op"], message: `unknown operator '${raw.op}'`, hint: operatorSuggestion(raw.op) });
    return undefined;
  }
  const field = typeof raw.field === "string" ? parseField(raw.field, [...path, "field"], issues) : undefined;
  const defaultType: ValueType = field?.kind === "column" && NUMERIC_COLUMNS.has(field.column) ? "number" : "string";
  let type: ValueType = defaultType;
  if (raw.type !== undefined) {
    if (raw.type !== "string" && raw.type !== "number") {
      issues.push({ path: [...path, "type"], message: `unknown type '${String(raw.type)}'`, hint: suggestion(String(raw.type), ["string", "number"]) });
    } else type = raw.type;
  }
  if (type === "number" && STRING_ONLY_OPS.has(op)) {
    issues.push({ path: [...path, "type"], message: `operator '${op}' compares text and cannot take type number` });
  }
  const expectKeys = (wanted: string[]): void => {
    for (const k of ["value", "values", "min", "max"]) {
      if (wanted.includes(k) && raw[k] === undefined) issues.push({ path, message: `operator '${op}' needs '${k}'` });
      if (!wanted.includes(k) && raw[k] !== undefined) {
        issues.push({ path: [...path, k], message: `operator '${op}' takes no '${k}'`, hint: wanted.length ? `it takes: ${wanted.join(", ")}` : "it takes no value", atKey: true });
      }
    }
  };
  const fieldText = raw.field as string;
  if (op === "isNull" || op === "isNotNull") {
    expectKeys([]);
    if (raw.type !== undefined) issues.push({ path: [...path, "type"], message: `operator '${op}' takes no 'type'`, atKey: true });
    return issues.length === before && field ? { kind: "null", field, fieldText, op } : undefined;
  }
  if (op === "in" || op === "notIn") {
    expectKeys(["values"]);
    const values = raw.values;
    if (values !== undefined && !Array.isArray(values)) {
      issues.push({ path: [...path, "values"], message: `'values' must be a list, got ${typeName(values)}` });
    } else if (Array.isArray(values)) {
      if (values.length === 0) issues.push({ path: [...path, "values"], message: `'values' of '${op}' must not be empty`, hint: "an empty list matches nothing; remove the condition or the filter" });
      values.forEach((v, i) => checkScalar(v, type, [...path, "values", i], issues));
    }
    return issues.length === before && field ? { kind: "list", field, fieldText, op, type, values: values as Scalar[] } : undefined;
  }
  if (op === "between") {
    expectKeys(["min", "max"]);
    const okMin = raw.min !== undefined && checkScalar(raw.min, type, [...path, "min"], issues);
    const okMax = raw.max !== undefined && checkScalar(raw.max, type, [...path, "max"], issues);
    if (okMin) checkOrderedText(raw.min as Scalar, op, [...path, "min"], issues);
    if (okMax) checkOrderedText(raw.max as Scalar, op, [...path, "max"], issues);
    if (okMin && okMax && (raw.min as Scalar) > (raw.max as Scalar)) {
      issues.push({ path: [...path, "min"], message: `'min' (${String(raw.min)}) is greater than 'max' (${String(raw.max)}); between would match nothing` });
    }
    return issues.length === before && field ? { kind: "range", field, fieldText, op, type, min: raw.min as Scalar, max: raw.max as Scalar } : undefined;
  }
  expectKeys(["value"]);
  const okValue = raw.value !== undefined && checkScalar(raw.value, type, [...path, "value"], issues);
  if (okValue && ORDER_OPS.has(op)) checkOrderedText(raw.value as Scalar, op, [...path, "value"], issues);
  const regexProblem = okValue && op === "matches" ? portableRegex(raw.value as string).problem : undefined;
  if (regexProblem) issues.push({ path: [...path, "value"], message: regexProblem });
  return issues.length === before && field ? { kind: "compare", field, fieldText, op, type, value: raw.value as Scalar } : undefined;
}

function parseCondition(raw: unknown, path: Path, issues: FilterIssue[]): Condition | undefined {
  if (Array.isArray(raw)) {
    // A bare list reads as "all of these".
    return parseGroup("all", raw, path, issues);
  }
  if (raw === null || typeof raw !== "object") {
    issues.push({ path, message: `a condition must be a mapping, got ${typeName(raw)}`, hint: "use all:, any:, not: or {field, op, value}" });
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const groupKeys = Object.keys(obj).filter((k) => GROUP_KEYS.includes(k));
  if (groupKeys.length === 0) return parsePredicate(obj, path, issues);
  if (Object.keys(obj).length !== 1) {
    issues.push({ path, message: `a group has exactly one key (all, any or not), found: ${Object.keys(obj).join(", ")}` });
    return undefined;
  }
  const kind = groupKeys[0] as "all" | "any" | "not";
  if (kind === "not") {
    const inner = parseCondition(obj.not, [...path, "not"], issues);
    return inner && { kind: "not", of: inner };
  }
  if (!Array.isArray(obj[kind])) {
    issues.push({ path: [...path, kind], message: `'${kind}' must be a list of conditions, got ${typeName(obj[kind])}` });
    return undefined;
  }
  return parseGroup(kind, obj[kind] as unknown[], [...path, kind], issues);
}

function parseGroup(kind: "all" | "any", items: unknown[], path: Path, issues: FilterIssue[]): Condition | undefined {
  if (items.length === 0) {
    issues.push({ path, message: `'${kind}' must not be empty` });
    return undefined;
  }
  const before = issues.length;
  const of = items.map((item, i) => parseCondition(item, [...path, i], issues));
  return issues.length === before ? { kind, of: of as Condition[] } : undefined;
}

export interface ValidateOptions {
  /** Stage names filters may list; default dev, staging, prod. */
  stages?: readonly string[];
}

/** Validates the parsed YAML value. Pure: returns the set or every issue found. */
export function validateFilters(raw: unknown, options: ValidateOptions = {}): { set?: FilterSet; issues: FilterIssue[] } {
  const knownStages = options.stages ?? STAGE_NAMES;
  const issues: FilterIssue[] = [];
  if (raw && typeof raw === "object" && Array.isArray((raw as { filters?: unknown }).filters)) {
    const first = (raw as { filters: unknown[] }).filters[0] as Record<string, unknown> | undefined;
    if (first && typeof first === "object" && ("conditionLogic" in first || "consumerId" in first)) {
      issues.push({
        path: ["filters", 0],
        message: "this file uses the legacy filter format (consumerId, conditionLogic, operator)",
        hint: "rename consumerId to consumer, operator to op, valueType to type, turn conditionLogic AND/OR into conditions all/any, and add description, version and operations (README: Filters)",
      });
      return { issues };
    }
  }
  const doc = documentShape.safeParse(raw);
  if (!doc.success) {
    for (const i of doc.error.issues) issues.push(...fromZodIssue(i, [], raw, ["source", "filters"]));
    return { issues };
  }
  const sourceTopic = doc.data.source?.topic ?? "raw-business-events";
  const filters: Filter[] = [];
  const seenNames = new Map<string, number>();
  const seenTopics = new Map<string, number>();
  doc.data.filters.forEach((rawFilter, index) => {
    const base: Path = ["filters", index];
    const before = issues.length;
    const parsed = filterShape.safeParse(rawFilter);
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push(...fromZodIssue(i, base, rawFilter, FILTER_KEYS));
      return;
    }
    const f = parsed.data;
    if (!KEBAB.test(f.name) || f.name.length > MAX_FILTER_NAME) {
      issues.push({ path: [...base, "name"], message: `filter name '${f.name}' must be kebab-case (a-z, 0-9, single '-') and at most ${MAX_FILTER_NAME} characters` });
    }
    const consumer = f.consumer ?? f.name;
    if (f.consumer !== undefined && !KEBAB.test(consumer)) issues.push({ path: [...base, "consumer"], message: `consumer '${consumer}' must be kebab-case (it names a service account and a consumer group)` });
    const topicProblem = kafkaTopicProblem(f.outputTopic);
    if (topicProblem) issues.push({ path: [...base, "outputTopic"], message: `output topic '${f.outputTopic}' ${topicProblem}` });
    if (f.outputTopic === sourceTopic) issues.push({ path: [...base, "outputTopic"], message: `output topic '${f.outputTopic}' is the source topic; routing into it would loop` });
    const dupName = seenNames.get(f.name);
    if (dupName !== undefined) issues.push({ path: [...base, "name"], message: `duplicate filter name '${f.name}' (first used by filter ${dupName + 1})` });
    else seenNames.set(f.name, index);
    const dupTopic = seenTopics.get(f.outputTopic);
    if (dupTopic !== undefined) issues.push({ path: [...base, "outputTopic"], message: `output topic '${f.outputTopic}' is already used by filter '${(doc.data.filters[dupTopic] as { name: string }).name}'`, hint: "each filter writes its own topic" });
    else seenTopics.set(f.outputTopic, index);
    const stages = f.stages ?? [...knownStages];
    stages.forEach((s, i) => {
      if (!knownStages.includes(s)) issues.push({ path: [...base, "stages", i], message: `unknown stage '${s}'`, hint: suggestion(s, knownStages) });
    });
    f.operations.forEach((o, i) => {
      if (!(OPERATIONS as string[]).includes(o)) issues.push({ path: [...base, "operations", i], message: `unknown operation '${o}'`, hint: suggestion(o, OPERATIONS) });
    });
    const columns = f.columns ?? [...RAW_COLUMN_NAMES];
    columns.forEach((c, i) => {
      if (!(RAW_COLUMN_NAMES as readonly string[]).includes(c)) issues.push({ path: [...base, "columns", i], message: `unknown column '${c}'`, hint: suggestion(c, RAW_COLUMN_NAMES) });
      else if (columns.indexOf(c) !== i) issues.push({ path: [...base, "columns", i], message: `column '${c}' is listed twice` });
    });
    const condition = f.conditions === undefined ? undefined : parseCondition(f.conditions, [...base, "conditions"], issues);
    if (issues.length === before) {
      filters.push({
        name: f.name,
        description: f.description,
        consumer,
        outputTopic: f.outputTopic,
        enabled: f.enabled,
        stages: [...new Set(stages)],
        version: f.version,
        // A set: one canonical order, so a reordered list yields the same SQL (and the same statement).
        operations: OPERATIONS.filter((o) => f.operations.includes(o)),
        condition,
        columns: columns as RawColumnName[],
      });
    }
  });
  // The naming rule behind prefixed grants (access/grants.ts): checked once every filter is known.
  for (const p of scopeProblems(filters, new Map([[sourceTopic, "the source topic"]]))) {
    issues.push({ path: ["filters", seenTopics.get(p.topic) as number, "outputTopic"], message: p.message, hint: p.hint });
  }
  return issues.length ? { issues } : { set: { sourceTopic, filters }, issues };
}

/** Source position of a path in the YAML document (1-based line and column). */
function positionOf(doc: Document, lines: LineCounter, path: Path, atKey: boolean): { line: number; col: number } {
  let node: Node | null = doc.contents as Node | null;
  let keyNode: Node | undefined;
  for (const p of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && it.key.value === p);
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
      if (!node) break;
    } else if (isSeq(node) && typeof p === "number" && node.items[p]) {
      keyNode = undefined;
      node = node.items[p] as Node;
    } else break;
  }
  const target = (atKey && keyNode) || node || keyNode;
  const offset = target?.range?.[0] ?? 0;
  return lines.linePos(offset);
}

function filterLabel(raw: unknown, path: Path): string | undefined {
  if (path[0] !== "filters" || typeof path[1] !== "number") return undefined;
  const name = (valueAt(raw, path.slice(0, 2)) as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name ? name : `#${path[1] + 1}`;
}

export function formatIssue(issue: FilterIssue, file: string, pos: { line: number; col: number }, filter?: string): string {
  return `${issue.message} at ${file}:${pos.line}:${pos.col}${filter ? ` in filter ${filter}` : ""}${issue.hint ? `; ${issue.hint}` : ""}`;
}

/** Parses and validates YAML text; throws FilterValidationError listing every problem with its position. */
export function parseFiltersYaml(text: string, file = "filters.yaml", options: ValidateOptions = {}): FilterSet {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Later YAML errors mostly cascade from the first; three are enough to find the cause.
    const shown = doc.errors.slice(0, 3).map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return `YAML syntax error at ${file}:${pos.line}:${pos.col}; ${e.message.split("\n")[0]}`;
    });
    const hidden = doc.errors.length - shown.length;
    throw new FilterValidationError(shown, plural(doc.errors.length, "YAML syntax error") + (hidden > 0 ? ` (the first ${shown.length} shown; the other ${hidden} follow from them: fix the first and run again)` : ""));
  }
  const raw = doc.toJS();
  const { set, issues } = validateFilters(raw, options);
  if (set) return set;
  throw new FilterValidationError(
    issues.map((i) => formatIssue(i, file, positionOf(doc, lines, i.path, i.atKey ?? false), filterLabel(raw, i.path))),
  );
}

export function loadFilters(path: string, options: ValidateOptions = {}): FilterSet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new FilterValidationError([`cannot read filters file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  return parseFiltersYaml(text, path, options);
}

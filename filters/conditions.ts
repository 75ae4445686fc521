/**
 * A filter's `conditions`: fields (raw columns or JSON paths into event_data), predicates and all/any/not groups,
 * parsed into the Condition model with every problem recorded as an issue at its path.
 */

import { suggestion } from "../lib/suggest";
import type { CapturedTable } from "../stages/tables";
import { type FilterIssue, type Path, typeName } from "./errors";
import {
  ALL_OPS,
  type Condition,
  type FieldRef,
  fieldNames,
  isNumeric,
  type Op,
  ORDER_OPS,
  type Scalar,
  STRING_ONLY_OPS,
  sourceFields,
  type ValueType,
} from "./model";
import { operatorSuggestion } from "./operator-spelling";
import { portableRegex } from "./regex";

const JSON_PATH_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PREDICATE_KEYS = ["field", "op", "value", "values", "min", "max", "type"];
const GROUP_KEYS = ["all", "any", "not"];

/** `column` or `<json column>.<path>`, against the fields of the filter's own source. */
function parseField(text: string, path: Path, issues: FilterIssue[], source: CapturedTable): FieldRef | undefined {
  const fields = sourceFields(source);
  const table = `${source.schema}.${source.table}`;
  const column = fields.find((c) => c.name === text);
  if (column?.type === "boolean") {
    issues.push({
      path,
      message: `field '${text}' of ${table} is boolean; conditions compare text and numbers`,
      hint: "route on it downstream, or ask for boolean comparisons",
    });
    return undefined;
  }
  if (column) return { kind: "column", column: text, numeric: isNumeric(column.type) };
  const dot = text.indexOf(".");
  const jsonColumn = dot > 0 ? fields.find((c) => c.name === text.slice(0, dot)) : undefined;
  const jsonColumns = fields.filter((c) => c.type === "json").map((c) => c.name);
  const jsonHint = jsonColumns.length > 0 ? `; JSON fields are written ${jsonColumns[0]}.<path>` : "";
  if (!jsonColumn) {
    issues.push({
      path,
      message: `unknown field '${text}': ${table} has no such column`,
      hint: `${suggestion(text, fieldNames(source))}${jsonHint}`,
    });
    return undefined;
  }
  if (jsonColumn.type !== "json") {
    issues.push({
      path,
      message: `field '${text}': column ${jsonColumn.name} of ${table} is ${jsonColumn.type}, not json, so it has no JSON path`,
      hint:
        jsonColumns.length > 0 ? `JSON columns of ${table}: ${jsonColumns.join(", ")}` : `${table} has no json column`,
    });
    return undefined;
  }
  const prefix = `${jsonColumn.name}.`;
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
  return { kind: "json", column: jsonColumn.name, path: segments };
}

function checkScalar(v: unknown, type: ValueType, path: Path, issues: FilterIssue[]): v is Scalar {
  const key = path[path.length - 1];
  if (type === "number") {
    if (typeof v === "number" && Number.isFinite(v)) return true;
    issues.push({
      path,
      message: `'${String(key)}' must be a number because the comparison has type number, got ${typeName(v)}`,
    });
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
    const code = ch.codePointAt(0) ?? 0; // never undefined: `ch` is one code point
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

function parsePredicate(
  raw: Record<string, unknown>,
  path: Path,
  issues: FilterIssue[],
  source: CapturedTable,
): Condition | undefined {
  const before = issues.length;
  for (const k of Object.keys(raw)) {
    if (!PREDICATE_KEYS.includes(k)) {
      issues.push({
        path: [...path, k],
        message: `unknown key '${k}' in condition`,
        hint: suggestion(k, PREDICATE_KEYS),
        atKey: true,
      });
    }
  }
  if (typeof raw.field !== "string") {
    issues.push(
      raw.field === undefined
        ? { path, message: "condition is missing 'field'" }
        : { path: [...path, "field"], message: `'field' must be a string, got ${typeName(raw.field)}` },
    );
  }
  if (typeof raw.op !== "string") {
    issues.push(
      raw.op === undefined
        ? { path, message: "condition is missing 'op'", hint: `expected one of: ${ALL_OPS.join(", ")}` }
        : { path: [...path, "op"], message: `'op' must be a string, got ${typeName(raw.op)}` },
    );
    return undefined;
  }
  const op = raw.op as Op;
  if (!(ALL_OPS as readonly string[]).includes(op)) {
    issues.push({ path: [...path, "op"], message: `unknown operator '${raw.op}'`, hint: operatorSuggestion(raw.op) });
    return undefined;
  }
  const field = typeof raw.field === "string" ? parseField(raw.field, [...path, "field"], issues, source) : undefined;
  const defaultType: ValueType = field?.kind === "column" && field.numeric ? "number" : "string";
  let type: ValueType = defaultType;
  if (raw.type !== undefined) {
    if (raw.type !== "string" && raw.type !== "number") {
      issues.push({
        path: [...path, "type"],
        message: `unknown type '${String(raw.type)}'`,
        hint: suggestion(String(raw.type), ["string", "number"]),
      });
    } else type = raw.type;
  }
  if (type === "number" && STRING_ONLY_OPS.has(op)) {
    issues.push({ path: [...path, "type"], message: `operator '${op}' compares text and cannot take type number` });
  }
  const columnType =
    field?.kind === "column" ? sourceFields(source).find((c) => c.name === field.column)?.type : undefined;
  if (columnType === "float64" && type === "string" && op !== "isNull" && op !== "isNotNull") {
    // Flink reads it as Java prints the double (12.0 for 12, 1.0E21); the routing property test found an event
    // with amount 12 that `endsWith "12"` routes in JavaScript's spelling and Flink's does not.
    issues.push({
      path: [...path, "type"],
      message: `field '${raw.field}' of ${source.schema}.${source.table} is float64: as text it reads the way Java prints a double (12.0 for 12, 1.0E21), so '${op}' on it would route by that spelling`,
      hint: "compare it as a number: drop 'type: string' and give a number",
    });
  }
  const expectKeys = (wanted: string[]): void => {
    for (const k of ["value", "values", "min", "max"]) {
      if (wanted.includes(k) && raw[k] === undefined) issues.push({ path, message: `operator '${op}' needs '${k}'` });
      if (!wanted.includes(k) && raw[k] !== undefined) {
        issues.push({
          path: [...path, k],
          message: `operator '${op}' takes no '${k}'`,
          hint: wanted.length ? `it takes: ${wanted.join(", ")}` : "it takes no value",
          atKey: true,
        });
      }
    }
  };
  const fieldText = raw.field as string;
  if (op === "isNull" || op === "isNotNull") {
    expectKeys([]);
    if (raw.type !== undefined)
      issues.push({ path: [...path, "type"], message: `operator '${op}' takes no 'type'`, atKey: true });
    return issues.length === before && field ? { kind: "null", field, fieldText, op } : undefined;
  }
  if (op === "in" || op === "notIn") {
    expectKeys(["values"]);
    const values = raw.values;
    if (values !== undefined && !Array.isArray(values)) {
      issues.push({ path: [...path, "values"], message: `'values' must be a list, got ${typeName(values)}` });
    } else if (Array.isArray(values)) {
      if (values.length === 0)
        issues.push({
          path: [...path, "values"],
          message: `'values' of '${op}' must not be empty`,
          hint: "an empty list matches nothing; remove the condition or the filter",
        });
      values.forEach((v, i) => {
        checkScalar(v, type, [...path, "values", i], issues);
      });
    }
    return issues.length === before && field
      ? { kind: "list", field, fieldText, op, type, values: values as Scalar[] }
      : undefined;
  }
  if (op === "between") {
    expectKeys(["min", "max"]);
    const okMin = raw.min !== undefined && checkScalar(raw.min, type, [...path, "min"], issues);
    const okMax = raw.max !== undefined && checkScalar(raw.max, type, [...path, "max"], issues);
    if (okMin) checkOrderedText(raw.min as Scalar, op, [...path, "min"], issues);
    if (okMax) checkOrderedText(raw.max as Scalar, op, [...path, "max"], issues);
    if (okMin && okMax && (raw.min as Scalar) > (raw.max as Scalar)) {
      issues.push({
        path: [...path, "min"],
        message: `'min' (${String(raw.min)}) is greater than 'max' (${String(raw.max)}); between would match nothing`,
      });
    }
    return issues.length === before && field
      ? { kind: "range", field, fieldText, op, type, min: raw.min as Scalar, max: raw.max as Scalar }
      : undefined;
  }
  expectKeys(["value"]);
  const okValue = raw.value !== undefined && checkScalar(raw.value, type, [...path, "value"], issues);
  if (okValue && ORDER_OPS.has(op)) checkOrderedText(raw.value as Scalar, op, [...path, "value"], issues);
  const regexProblem = okValue && op === "matches" ? portableRegex(raw.value as string).problem : undefined;
  if (regexProblem) issues.push({ path: [...path, "value"], message: regexProblem });
  return issues.length === before && field
    ? { kind: "compare", field, fieldText, op, type, value: raw.value as Scalar }
    : undefined;
}

export function parseCondition(
  raw: unknown,
  path: Path,
  issues: FilterIssue[],
  source: CapturedTable,
): Condition | undefined {
  if (Array.isArray(raw)) {
    // A bare list reads as "all of these".
    return parseGroup("all", raw, path, issues, source);
  }
  if (raw === null || typeof raw !== "object") {
    issues.push({
      path,
      message: `a condition must be a mapping, got ${typeName(raw)}`,
      hint: "use all:, any:, not: or {field, op, value}",
    });
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const groupKeys = Object.keys(obj).filter((k) => GROUP_KEYS.includes(k));
  if (groupKeys.length === 0) return parsePredicate(obj, path, issues, source);
  if (Object.keys(obj).length !== 1) {
    issues.push({
      path,
      message: `a group has exactly one key (all, any or not), found: ${Object.keys(obj).join(", ")}`,
    });
    return undefined;
  }
  const kind = groupKeys[0] as "all" | "any" | "not";
  if (kind === "not") {
    const inner = parseCondition(obj.not, [...path, "not"], issues, source);
    return inner && { kind: "not", of: inner };
  }
  if (!Array.isArray(obj[kind])) {
    issues.push({
      path: [...path, kind],
      message: `'${kind}' must be a list of conditions, got ${typeName(obj[kind])}`,
    });
    return undefined;
  }
  return parseGroup(kind, obj[kind] as unknown[], [...path, kind], issues, source);
}

function parseGroup(
  kind: "all" | "any",
  items: unknown[],
  path: Path,
  issues: FilterIssue[],
  source: CapturedTable,
): Condition | undefined {
  if (items.length === 0) {
    issues.push({ path, message: `'${kind}' must not be empty` });
    return undefined;
  }
  const before = issues.length;
  const of = items.map((item, i) => parseCondition(item, [...path, i], issues, source));
  return issues.length === before ? { kind, of: of as Condition[] } : undefined;
}

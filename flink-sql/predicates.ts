/**
 * Condition tree -> Flink SQL boolean expression. Pure; the semantics are documented in docs/filters.md (Semantics).
 */
import {
  type Condition,
  type FieldRef,
  jsonPathText,
  OPERATION_CODES,
  type Operation,
  type Predicate,
  type Scalar,
  type ValueType,
} from "../filters/model";
import { javaRegex } from "../filters/regex";
import { likeEscape, numberLiteral, quoteIdentifier, stringLiteral } from "./escape";

/** The field's value as SQL of the comparison type; NULL when the column or JSON path is absent. */
export function fieldExpression(field: FieldRef, type: ValueType): string {
  if (field.kind === "column") {
    const col = quoteIdentifier(field.column);
    const { numeric } = field;
    if (type === "number") return numeric ? col : `TRY_CAST(${col} AS DOUBLE)`;
    return numeric ? `CAST(${col} AS STRING)` : col;
  }
  const json = `JSON_VALUE(${quoteIdentifier(field.column)}, ${stringLiteral(jsonPathText(field.path))})`;
  // TRY_CAST: a JSON value that is not a number becomes NULL (no match) instead of failing the job.
  return type === "number" ? `TRY_CAST(${json} AS DOUBLE)` : json;
}

function literal(value: Scalar, type: ValueType): string {
  return type === "number" ? numberLiteral(value as number) : stringLiteral(String(value));
}

/**
 * A bound of an ordered text comparison (<, <=, >, >=, BETWEEN). Flink types a quoted literal CHAR(n), and where
 * the planner turns ranges into a search argument (a range beside another predicate under OR) it drops the
 * literal's trailing spaces: `t <= 'ab '` then misses the row 'ab ' (Flink 2.2.1, found by the routing property
 * test). A literal with trailing spaces is therefore cast to STRING, which keeps them.
 */
function boundLiteral(value: Scalar, type: ValueType): string {
  const text = literal(value, type);
  return type === "string" && String(value).endsWith(" ") ? `CAST(${text} AS STRING)` : text;
}

const COMPARATORS = {
  equals: "=",
  notEquals: "<>",
  greaterThan: ">",
  greaterThanOrEqual: ">=",
  lessThan: "<",
  lessThanOrEqual: "<=",
} as const;

function predicateSql(p: Predicate): string {
  if (p.kind === "null") {
    return `${fieldExpression(p.field, "string")} ${p.op === "isNull" ? "IS NULL" : "IS NOT NULL"}`;
  }
  const e = fieldExpression(p.field, p.type);
  switch (p.kind) {
    case "list":
      return `${e} ${p.op === "in" ? "IN" : "NOT IN"} (${p.values.map((v) => literal(v, p.type)).join(", ")})`;
    case "range":
      return `${e} BETWEEN ${boundLiteral(p.min, p.type)} AND ${boundLiteral(p.max, p.type)}`;
    case "compare":
      switch (p.op) {
        case "contains":
          return `${e} LIKE ${stringLiteral(`%${likeEscape(String(p.value))}%`)} ESCAPE '!'`;
        case "startsWith":
          return `${e} LIKE ${stringLiteral(`${likeEscape(String(p.value))}%`)} ESCAPE '!'`;
        case "endsWith":
          return `${e} LIKE ${stringLiteral(`%${likeEscape(String(p.value))}`)} ESCAPE '!'`;
        case "matches":
          return `REGEXP(${e}, ${stringLiteral(javaRegex(String(p.value)))})`;
        case "equals":
        case "notEquals":
          return `${e} ${COMPARATORS[p.op]} ${literal(p.value, p.type)}`;
        default:
          return `${e} ${COMPARATORS[p.op]} ${boundLiteral(p.value, p.type)}`;
      }
  }
}

/** Renders a condition; nested groups are parenthesised, one predicate per line for readable diffs. */
export function conditionSql(c: Condition, indent = "  "): string {
  switch (c.kind) {
    case "all":
    case "any": {
      if (c.of.length === 1) return conditionSql(c.of[0], indent);
      const inner = `${indent}  `;
      const joiner = c.kind === "all" ? "AND" : "OR";
      return `(\n${inner}${c.of.map((x) => conditionSql(x, inner)).join(`\n${inner}${joiner} `)}\n${indent})`;
    }
    case "not":
      return `NOT (${conditionSql(c.of, indent)})`;
    default:
      return predicateSql(c);
  }
}

export function operationsSql(operations: readonly Operation[]): string {
  const codes = operations.map((o) => stringLiteral(OPERATION_CODES[o]));
  return `${quoteIdentifier("__op")} IN (${codes.join(", ")})`;
}

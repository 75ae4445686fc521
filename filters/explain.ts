/**
 * Why a filter does not route an event: the operation it does not list, or the first part of its condition that is
 * not TRUE, with the value the event holds for that field. The same three-valued logic as the evaluator, so the
 * reason given is the one that decided.
 */
import { conditionText } from "./canonical";
import { evaluateCondition, jsonValue, type RawEvent } from "./evaluate";
import { type Condition, type FieldRef, type Filter, OPERATION_CODES, type Predicate } from "./model";

const TRI = (r: boolean | null) => (r === null ? "UNKNOWN" : r ? "TRUE" : "FALSE");

function fieldValueIn(event: RawEvent, field: FieldRef): unknown {
  return field.kind === "column" ? event[field.column] : jsonValue(event[field.column], field.path);
}

function leafReason(p: Predicate, event: RawEvent): string {
  const v = fieldValueIn(event, p.field);
  return `${conditionText(p)} is ${TRI(evaluateCondition(p, event))} (${p.fieldText} = ${v === null || v === undefined ? "NULL" : JSON.stringify(v)})`;
}

/** The deepest part that decided a condition not to be TRUE. */
function conditionReason(c: Condition, event: RawEvent): string {
  switch (c.kind) {
    case "all": {
      const failing = c.of.find((x) => evaluateCondition(x, event) !== true);
      return failing ? conditionReason(failing, event) : "every part is TRUE";
    }
    case "any":
      return `none of: ${c.of.map((x) => conditionReason(x, event)).join("; ")}`;
    case "not":
      return `not(${conditionText(c.of)}): the inner condition is ${TRI(evaluateCondition(c.of, event))}`;
    default:
      return leafReason(c, event);
  }
}

/** Undefined when the filter routes the event. */
export function mismatchReason(filter: Filter, event: RawEvent): string | undefined {
  if (!filter.operations.some((o) => OPERATION_CODES[o] === event.__op))
    return `__op ${JSON.stringify(event.__op ?? null)} is not one of its operations [${filter.operations.join(", ")}]`;
  if (!filter.condition || evaluateCondition(filter.condition, event) === true) return undefined;
  return conditionReason(filter.condition, event);
}

/**
 * Events at the edges of a filter's conditions, so a routing change shows its effect without a corpus: for each
 * comparison the value itself, just below and just above; for text the value, a near miss, a case variant and a
 * whitespace variant; for a changed operation list one event per operation. Each event otherwise satisfies the
 * rest of the filter version it was made from (every other predicate gets a value it accepts), so the one varied
 * field decides.
 */

import type { CapturedTable } from "../stages/tables";
import type { RawEvent } from "./evaluate";
import {
  type FieldRef,
  type Filter,
  fieldKey,
  OPERATION_CODES,
  type Operation,
  type Predicate,
  predicatesOf,
  type Scalar,
} from "./model";

/** A value the predicate accepts (TRUE), as far as one can be named without solving the condition. */
function acceptedValue(p: Predicate): Scalar | null {
  switch (p.kind) {
    case "null":
      return p.op === "isNull" ? null : "x";
    case "list":
      return p.op === "in" ? p.values[0] : `${String(p.values[0])}-other`;
    case "range":
      return p.min;
    case "compare":
      if (typeof p.value === "number")
        return { greaterThan: p.value + 1, lessThan: p.value - 1, notEquals: p.value + 1 }[p.op as string] ?? p.value;
      return p.op === "notEquals" ? `${p.value}-other` : p.op === "greaterThan" ? `${p.value}~` : p.value;
  }
}

/** The values at the edges of one predicate. */
function edgeValues(p: Predicate): Scalar[] {
  const near = (s: string) => (s.length > 0 ? s.slice(0, -1) + (s.endsWith("x") ? "y" : "x") : "x");
  const numberEdges = (n: number) => [n - 1, n, n + 1];
  const textEdges = (s: string) => [s, near(s), s.toUpperCase() === s ? s.toLowerCase() : s.toUpperCase(), ` ${s} `];
  const edges = (v: Scalar): Scalar[] => (typeof v === "number" ? numberEdges(v) : textEdges(v));
  switch (p.kind) {
    case "null":
      return ["x"];
    case "list":
      return p.values.flatMap(edges);
    case "range":
      return [...edges(p.min), ...edges(p.max)];
    case "compare":
      return edges(p.value);
  }
}

function setField(event: RawEvent, json: Map<string, Record<string, unknown>>, field: FieldRef, value: unknown) {
  if (field.kind === "column") {
    event[field.column] = value;
    return;
  }
  const root = json.get(field.column) ?? {};
  json.set(field.column, root);
  let node: Record<string | number, unknown> = root;
  field.path.forEach((segment, i) => {
    if (i === field.path.length - 1) node[segment] = value;
    else {
      if (node[segment] === undefined || node[segment] === null)
        node[segment] = typeof field.path[i + 1] === "number" ? [] : {};
      node = node[segment] as Record<string | number, unknown>;
    }
  });
}

/** One event of `source`: the assignment that satisfies `filter`, with `varied` set to `value`. */
function eventFor(
  source: CapturedTable,
  filter: Filter,
  operation: Operation,
  varied: Predicate | undefined,
  value: unknown,
  id: string,
): RawEvent {
  const event: RawEvent = Object.fromEntries(source.columns.map((c) => [c.name, null]));
  Object.assign(event, { id, __op: OPERATION_CODES[operation], __table: source.table, __ts_ms: 0 });
  const json = new Map<string, Record<string, unknown>>();
  for (const p of predicatesOf(filter.condition))
    if (!varied || fieldKey(p.field) !== fieldKey(varied.field)) setField(event, json, p.field, acceptedValue(p));
  if (varied) setField(event, json, varied.field, value);
  for (const [column, data] of json) event[column] = JSON.stringify(data);
  return event;
}

/**
 * Edge events for the versions of one filter that differ (either may be absent: added or removed), each event on
 * its version's own source. `tag` prefixes the event ids.
 */
export function boundaryEvents(
  versions: ReadonlyArray<{ filter: Filter; source: CapturedTable }>,
  tag: string,
): Array<{ source: string; event: RawEvent }> {
  const events: Array<{ source: string; event: RawEvent }> = [];
  const seen = new Set<string>();
  const add = (source: string, event: RawEvent) => {
    const key = `${source}|${JSON.stringify({ ...event, id: "" })}`;
    if (seen.has(key)) return;
    seen.add(key);
    events.push({ source, event: { ...event, id: `${tag}-${events.length}` } });
  };
  const operations = [...new Set(versions.flatMap((v) => v.filter.operations))];
  for (const { filter, source } of versions) {
    for (const operation of operations) add(source.rawTopic, eventFor(source, filter, operation, undefined, null, ""));
    for (const p of predicatesOf(filter.condition))
      for (const value of [...edgeValues(p), null])
        add(source.rawTopic, eventFor(source, filter, filter.operations[0], p, value, ""));
  }
  return events;
}

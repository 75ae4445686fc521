/**
 * Tagged test events for routing checks, built from the filters themselves: every value a predicate names for
 * event_type and for the JSON fields is combined with every CDC operation, plus values no filter names. The
 * reference evaluator, not this generator, decides which topic each event belongs to.
 */
import type { RawEvent } from "../filters/evaluate";
import { type FieldRef, type FilterSet, fieldKey, OPERATION_CODES, predicatesOf } from "../filters/model";
import { getOrThrow } from "../lib/maps";

/** Builds nested objects/arrays along a JSON path and sets the value at its end. */
export function setPath(root: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): void {
  let node: Record<string | number, unknown> = root;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    if (node[segment] === undefined) node[segment] = typeof path[i + 1] === "number" ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
}

/** Events of raw topic `source` (default: the file's default source), built from its filters' predicates. */
export function sampleEvents(set: FilterSet, tag: string, limit = 400, source = set.sourceTopic): RawEvent[] {
  const table = getOrThrow(set.sources, source);
  const values = new Map<string, { field: FieldRef; values: Set<string> }>();
  for (const p of set.filters.filter((f) => f.source === source).flatMap((f) => predicatesOf(f.condition))) {
    const entry = values.get(fieldKey(p.field)) ?? { field: p.field, values: new Set(["no-filter-names-this"]) };
    if (p.kind === "compare") entry.values.add(String(p.value));
    if (p.kind === "list") for (const v of p.values) entry.values.add(String(v));
    values.set(fieldKey(p.field), entry);
  }
  const fields = [...values.values()];
  let combos: Array<Map<FieldRef, string>> = [new Map()];
  for (const { field, values: vs } of fields) {
    combos = combos.flatMap((combo) => [...vs].map((v) => new Map([...combo, [field, v]])));
  }
  const events: RawEvent[] = [];
  for (const combo of combos) {
    for (const op of Object.values(OPERATION_CODES)) {
      if (events.length >= limit) return events;
      const id = `${tag}-${events.length}`;
      const row: RawEvent = Object.fromEntries(table.columns.map((c) => [c.name, null]));
      Object.assign(row, { id, __op: op, __table: table.table, __ts_ms: 1 });
      for (const dated of ["created_date", "saved_date"]) if (dated in row) row[dated] = "2026-01-01T00:00:00Z";
      // Every JSON column holds an object carrying the event's id, and whatever paths the filters read.
      const json = new Map(
        table.columns.filter((c) => c.type === "json").map((c) => [c.name, { eventHeader: { uuid: id } }]),
      );
      for (const [field, value] of combo) {
        if (field.kind === "column") row[field.column] = field.numeric ? Number(value) : value;
        else setPath(getOrThrow(json, field.column), field.path, value);
      }
      if ("event_name" in row) row.event_name = row.event_name ?? row.event_type;
      for (const [column, data] of json) row[column] = JSON.stringify(data);
      events.push(row);
    }
  }
  return events;
}

/**
 * Tagged test events for routing checks, built from the filters themselves: every value a predicate names for
 * event_type and for the JSON fields is combined with every CDC operation, plus values no filter names. The
 * reference evaluator, not this generator, decides which topic each event belongs to.
 */
import type { RawEvent } from "../filters/evaluate";
import { type FieldRef, type FilterSet, OPERATION_CODES, predicatesOf } from "../filters/model";

const fieldKey = (f: FieldRef) => (f.kind === "column" ? f.column : JSON.stringify(f.path));

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

export function sampleEvents(set: FilterSet, tag: string, limit = 400): RawEvent[] {
  const values = new Map<string, { field: FieldRef; values: Set<string> }>();
  for (const p of set.filters.flatMap((f) => predicatesOf(f.condition))) {
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
      const row: RawEvent = {
        id,
        event_name: null,
        event_type: null,
        created_date: "2026-01-01T00:00:00Z",
        saved_date: "2026-01-01T00:00:00Z",
        __op: op,
        __table: "business_events",
        __ts_ms: 1,
      };
      const data: Record<string, unknown> = { eventHeader: { uuid: id } };
      for (const [field, value] of combo) {
        if (field.kind === "column") row[field.column] = field.column === "__ts_ms" ? Number(value) : value;
        else setPath(data, field.path, value);
      }
      row.event_name = row.event_name ?? row.event_type;
      row.event_data = JSON.stringify(data);
      events.push(row);
    }
  }
  return events;
}

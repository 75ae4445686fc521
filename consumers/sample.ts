/**
 * `cdc-routing sample`: a corpus for `cdc-routing impact` from a live raw topic, keeping only the fields the filters
 * read (and `id`, `__op`), so no other part of a payload leaves the cluster.
 */
import type { Kafka } from "kafkajs";
import { CORPUS_TOPIC_FIELD, type RawEvent } from "../filters/evaluate";
import { type FieldRef, type FilterSet, predicatesOf } from "../filters/model";
import { rawRecordRow } from "./record";
import { setPath } from "./sample-events";
import { readRecordValues } from "./topic-io";

/** Every field a filter of `topic` reads: columns, and paths into JSON columns. */
export function fieldsRead(set: FilterSet, topic: string): FieldRef[] {
  return set.filters.filter((f) => f.source === topic).flatMap((f) => predicatesOf(f.condition).map((p) => p.field));
}

/** The value at a path of parsed JSON, as stored (undefined where the path does not exist). */
function at(json: unknown, path: ReadonlyArray<string | number>): unknown {
  let node = json;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** The row with only `id`, `__op` and the fields read; a JSON column keeps only the paths read, as JSON text. */
export function keepFieldsRead(row: RawEvent, fields: readonly FieldRef[]): RawEvent {
  const kept: RawEvent = { id: row.id, __op: row.__op };
  const json = new Map<string, Record<string, unknown>>();
  for (const f of fields) {
    if (f.kind === "column") {
      kept[f.column] = row[f.column] ?? null;
      continue;
    }
    // A NULL or unparseable JSON column stays as it was: every path into it reads NULL either way.
    if (typeof row[f.column] !== "string") {
      if (!json.has(f.column)) kept[f.column] = row[f.column] ?? null;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(row[f.column] as string);
    } catch {
      kept[f.column] = null;
      continue;
    }
    const value = at(parsed, f.path);
    const root = json.get(f.column) ?? {};
    json.set(f.column, root);
    if (value !== undefined) setPath(root, f.path, value);
  }
  for (const [column, data] of json) kept[column] = JSON.stringify(data);
  return kept;
}

/** The first `count` records of the topic, reduced to the fields read, each naming its topic for `impact`. */
export async function sampleTopic(
  kafka: Kafka,
  set: FilterSet,
  topic: string,
  count: number,
  timeoutMs: number,
): Promise<RawEvent[]> {
  const fields = fieldsRead(set, topic);
  const values = await readRecordValues(kafka, topic, count, timeoutMs);
  // Tombstones carry no event; a JSON_SR framed value is unframed like a plain one.
  return values
    .filter((v): v is Buffer => v !== null)
    .map((v) => ({ ...keepFieldsRead(rawRecordRow(v), fields), [CORPUS_TOPIC_FIELD]: topic }));
}

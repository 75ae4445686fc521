/**
 * The consumer-side view of a routed record: the flat CDC columns plus event_data parsed from its JSON string.
 * Pure, so the parsing rules are unit-tested without a broker.
 */
import { InputError } from "../lib/errors";

export interface EventHeader {
  uuid?: string;
  eventName?: string;
  eventType?: string;
  [key: string]: unknown;
}

export interface EventEntity {
  entityType?: string;
  entityId?: string;
  updatedAttributes?: unknown;
  [key: string]: unknown;
}

export interface RoutedEvent {
  id: string;
  eventName: string | null;
  eventType: string | null;
  createdDate: string | null;
  savedDate: string | null;
  /** Debezium operation: c create, u update, d delete, r snapshot read. */
  op: string;
  table: string | null;
  /** Capture time in the connector, epoch milliseconds. */
  capturedAtMs: number | null;
  /** event_data parsed; null when the column is null. */
  data: { eventHeader?: EventHeader; eventBody?: { entities?: EventEntity[] }; [key: string]: unknown } | null;
}

export class RecordParseError extends InputError {}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * Schema Registry wire format: magic byte 0, a 4-byte schema id, then the JSON. Confluent Cloud Flink writes
 * JSON_SR sinks this way; the local pipeline writes plain JSON. Both parse the same.
 */
export function frameJsonSr(schemaId: number, json: string): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, Buffer.from(json, "utf8")]);
}

export function unframeJsonSr(value: Buffer): Buffer {
  return value.length > 5 && value[0] === 0 ? value.subarray(5) : value;
}

/** The record value as a JSON object (plain or Schema Registry framed); tombstones and non-objects rejected. */
export function rawRecordRow(value: Buffer | string | null): Record<string, unknown> {
  if (value === null) throw new RecordParseError("tombstone (null value): routed topics carry no tombstones");
  let row: unknown;
  try {
    row = JSON.parse(typeof value === "string" ? value : unframeJsonSr(value).toString("utf8"));
  } catch (e) {
    throw new RecordParseError(`record value is not JSON: ${(e as Error).message}`);
  }
  if (row === null || typeof row !== "object" || Array.isArray(row))
    throw new RecordParseError("record value is not a JSON object");
  return row as Record<string, unknown>;
}

/** The id of a routed record, without judging its event_data (routing checks count invalid payloads too). */
export function routedRecordId(value: Buffer | null): string {
  const row = rawRecordRow(value);
  if (typeof row.id !== "string") throw new RecordParseError("record has no string id");
  return row.id;
}

export function parseRoutedRecord(value: Buffer | string | null): RoutedEvent {
  const row = rawRecordRow(value);
  if (typeof row.id !== "string" || typeof row.__op !== "string") {
    throw new RecordParseError("record lacks the id and __op fields of a flattened CDC row");
  }
  let data: RoutedEvent["data"] = null;
  if (row.event_data !== null && row.event_data !== undefined) {
    try {
      data = JSON.parse(String(row.event_data)) as RoutedEvent["data"];
    } catch (e) {
      throw new RecordParseError(`event_data of ${row.id} is not JSON: ${(e as Error).message}`);
    }
  }
  return {
    id: row.id,
    eventName: text(row.event_name),
    eventType: text(row.event_type),
    createdDate: text(row.created_date),
    savedDate: text(row.saved_date),
    op: row.__op,
    table: text(row.__table),
    capturedAtMs: typeof row.__ts_ms === "number" ? row.__ts_ms : null,
    data,
  };
}

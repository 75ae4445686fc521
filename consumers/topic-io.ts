/** Producing test events and reading back event ids, with kafkajs, for the verify tool and the e2e tests. */
import { randomUUID } from "node:crypto";
import { type Admin, type EachMessagePayload, type Kafka, type KafkaMessage, Partitioners } from "kafkajs";
import type { RawEvent } from "../filters/evaluate";
import { getOrThrow } from "../lib/maps";
import { routedRecordId } from "./record";
import type { IdsByTopic } from "./routing-check";
import { retryTransient } from "./transient";

/** topic -> partition -> offset */
export type Offsets = Map<string, Map<number, bigint>>;

export async function produceEvents(
  kafka: Kafka,
  topic: string,
  events: readonly RawEvent[],
  encode: (json: string) => Buffer | string = (j) => j,
): Promise<void> {
  // The Java client's partitioning (murmur2 of the key), like Debezium's records of the same keys.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += 500) {
      const batch = events.slice(i, i + 500);
      await producer.send({
        topic,
        messages: batch.map((e) => ({ key: JSON.stringify({ id: e.id }), value: encode(JSON.stringify(e)) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Runs work with a connected admin client and always disconnects it; the whole of it is repeated while Kafka
 * is in a passing state (see transient.ts), so work must be safe to repeat.
 */
export function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  return retryTransient("kafka admin", () => withAdminOnce(kafka, work));
}

/** One attempt, for callers that poll on their own (a readiness check). */
export async function withAdminOnce<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * A partition's lag: its end offset less the committed offset (the start of its log when the group has none), read
 * in that order (committed first). Never below 0: on one broker an end offset read later never is, and after a
 * leader change a high watermark can step back for a moment.
 */
export function partitionLag(end: { low: number; high: number }, committed: number): number {
  return Math.max(0, end.high - (committed >= 0 ? committed : end.low));
}

/** Each partition's low and high watermark, by topic. */
export async function watermarks(admin: Admin, topics: readonly string[]) {
  const result = new Map<string, Array<{ partition: number; low: number; high: number }>>();
  for (const topic of topics)
    result.set(
      topic,
      (await admin.fetchTopicOffsets(topic)).map((p) => ({
        partition: p.partition,
        low: Number(p.low),
        high: Number(p.high),
      })),
    );
  return result;
}

/** High watermarks now: the offset the next record of each partition will get. */
export function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Offsets> {
  return withAdmin(kafka, async (admin) => {
    const result: Offsets = new Map();
    for (const topic of topics) {
      const partitions = await admin.fetchTopicOffsets(topic);
      result.set(topic, new Map(partitions.map((p) => [p.partition, BigInt(p.high)])));
    }
    return result;
  });
}

export function totalRecords(from: Offsets | undefined, to: Offsets): bigint {
  let total = 0n;
  for (const [topic, partitions] of to) {
    for (const [partition, high] of partitions) total += high - (from?.get(topic)?.get(partition) ?? 0n);
  }
  return total;
}

export interface ReadOptions {
  /** Start offsets; default the beginning. */
  from?: Offsets;
  /** Stop once every partition is read up to these offsets (a finished bounded job). */
  until?: Offsets;
  /** Or stop once this returns true for the ids seen so far, plus settleMs for late duplicates (a live pipeline). */
  done?: (seen: IdsByTopic) => boolean;
  settleMs?: number;
  timeoutMs: number;
  /** Only ids with this prefix count (other traffic on a shared topic is ignored). */
  idPrefix?: string;
}

/** Where a partition's reading has got to: the offset after the last one read, records or transaction markers. */
type Positions = Map<string, bigint>;
const positionKey = (topic: string, partition: number) => `${topic}/${partition}`;

/** Whether every partition of `until` is read up to its offset (a partition not read yet from `from`, or 0). */
function readUpTo(positions: Positions, until: Offsets, from?: Offsets): boolean {
  return [...until].every(([t, parts]) =>
    [...parts].every(([p, end]) => (positions.get(positionKey(t, p)) ?? from?.get(t)?.get(p) ?? 0n) >= end),
  );
}

/**
 * Reads the topics from the beginning with a throwaway consumer group until `handle` calls finish, or until
 * timeoutMs; the consumer always leaves. The verify tool's principal is granted the group prefix used here.
 * `positions` is kept at the offset after the last one read of each partition, transaction markers included: a
 * topic written by Flink's exactly-once sink holds a commit marker after each transaction, an offset but no
 * record, so its end offset is reached by position, never by counting records. kafkajs reports a batch's last
 * offset, markers included, at the end of each batch, also of a batch of markers only (which reaches no handler).
 */
async function readFromBeginning(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs: number,
  handle: (payload: EachMessagePayload, finish: () => void) => void,
  positions: Positions = new Map(),
  reachedEnd: () => boolean = () => false,
): Promise<void> {
  let leaving = false;
  const consumer = kafka.consumer({
    groupId: `cdc-routing-verify-${randomUUID()}`,
    // kafkajs restarts a consumer that crashed on a passing state (a coordinator loading) after a pause; a
    // restart decided while we disconnect would run after we left, against a broker that may be gone (seen
    // here as an unhandled ECONNREFUSED after a suite). Once we leave, no restart.
    retry: { retries: 5, restartOnFailure: async () => !leaving },
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      positions.set(positionKey(payload.topic, payload.partition), BigInt(payload.lastOffset) + 1n);
      if (reachedEnd()) finish();
    });
    await consumer.run({
      eachMessage: async (payload) => {
        positions.set(positionKey(payload.topic, payload.partition), BigInt(payload.message.offset) + 1n);
        handle(payload, finish);
        if (reachedEnd()) finish();
      },
    });
    const timer = setTimeout(finish, timeoutMs);
    await finished;
    clearTimeout(timer);
  } finally {
    leaving = true;
    await consumer.disconnect();
  }
}

export async function readIds(kafka: Kafka, topics: readonly string[], o: ReadOptions): Promise<IdsByTopic> {
  const seen: IdsByTopic = new Map(topics.map((t) => [t, []]));
  const positions: Positions = new Map();
  const reachedEnd = () => o.until !== undefined && readUpTo(positions, o.until, o.from);
  if (reachedEnd()) return seen;
  let settling = false;
  await readFromBeginning(
    kafka,
    topics,
    o.timeoutMs,
    ({ topic, partition, message }, finish) => {
      // Reading from the beginning and skipping is simpler than seeking, which needs a joined group.
      if (BigInt(message.offset) < (o.from?.get(topic)?.get(partition) ?? 0n)) return;
      let id: string;
      try {
        id = routedRecordId(message.value);
      } catch {
        id = `unparseable@${partition}/${message.offset}`; // counted, never retried forever
      }
      if (!o.idPrefix || id.startsWith(o.idPrefix)) getOrThrow(seen, topic).push(id);
      if (!settling && o.done?.(seen)) {
        settling = true;
        setTimeout(finish, o.settleMs ?? 0);
      }
    },
    positions,
    reachedEnd,
  );
  return seen;
}

/** The values of the first `count` records of a topic (all partitions), as stored (a tombstone is null). */
export async function readRecordValues(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs: number,
): Promise<Array<Buffer | null>> {
  const values: Array<Buffer | null> = [];
  await readFromBeginning(kafka, [topic], timeoutMs, ({ message }, finish) => {
    values.push(message.value);
    if (values.length >= count) finish();
  });
  return values;
}

/** A record's key and value as strings (null for none). */
type TopicRecord = { key: string | null; value: string | null };

function recordOf(message: KafkaMessage): TopicRecord {
  return { key: message.key?.toString() ?? null, value: message.value?.toString() ?? null };
}

/** The first `count` records of a topic (all partitions), values as stored; for checking record shapes. */
export async function readRecords(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs: number,
): Promise<TopicRecord[]> {
  const records: TopicRecord[] = [];
  await readFromBeginning(kafka, [topic], timeoutMs, ({ message }, finish) => {
    records.push(recordOf(message));
    if (records.length >= count) finish();
  });
  return records;
}

/**
 * Every record of a topic up to its end offsets at the call, values as stored; throws when they are not all read
 * within timeoutMs. For a topic a Flink statement writes: its transaction markers take offsets, so a count of
 * records taken from the end offsets is never reached (readRecords would wait out its whole timeout).
 */
export async function readAllRecords(kafka: Kafka, topic: string, timeoutMs: number): Promise<TopicRecord[]> {
  const until = await endOffsets(kafka, [topic]);
  const positions: Positions = new Map();
  const reachedEnd = () => readUpTo(positions, until);
  const records: TopicRecord[] = [];
  if (reachedEnd()) return records;
  await readFromBeginning(
    kafka,
    [topic],
    timeoutMs,
    ({ partition, message }) => {
      // A record written since the call (in a batch read to its end) is past the end offsets taken here.
      if (BigInt(message.offset) >= (until.get(topic)?.get(partition) ?? 0n)) return;
      records.push(recordOf(message));
    },
    positions,
    reachedEnd,
  );
  if (!reachedEnd())
    throw new Error(
      `${topic}: not read to its end offsets within ${timeoutMs} ms (read up to ${[...positions].join(", ") || "nothing"}; ends ${[...getOrThrow(until, topic)].join(", ")})`,
    );
  return records;
}

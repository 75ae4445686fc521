/**
 * The load generator's run: virtual users write business events into PostgreSQL at the planned rate (one
 * autocommitted INSERT each, as an application writes), a kafkajs consumer reads the raw topic and every consumer
 * topic of the stage meanwhile, and the ledger (ledger.ts) turns commits and receipts into the per-consumer report.
 * A write that fails (the database restarting) is retried on a new connection, so every event the report counts
 * was committed; the raw topic is reported as one more row, expected to get every event.
 */
import { type Kafka, Kafka as KafkaClient, type KafkaConfig, logLevel } from "kafkajs";
import { Client } from "pg";
import { kafkaConfigFromEnv } from "../../consumers/kafka-config";
import { rawRecordRow } from "../../consumers/record";
import { endOffsets, type Offsets } from "../../consumers/topic-io";
import { type RawEvent, routeEvent } from "../../filters/evaluate";
import { type FilterSet, filtersForStage } from "../../filters/model";
import { topicsByConsumer } from "../../filters/topic-scopes";
import { InputError } from "../../lib/errors";
import { getOrThrow } from "../../lib/maps";
import { sleep } from "../../lib/run";
import { type ConsumerLoad, LoadLedger } from "./ledger";
import {
  describeDatabaseUrl,
  dueAtMs,
  eventCount,
  eventKinds,
  type LoadOptions,
  loadEvent,
  PAYLOAD_BYTES,
  userIndexes,
} from "./plan";

/** The ledger's name for the raw topic's row: the connector must deliver every committed event there. */
export const RAW_TOPIC_ROW = "(raw topic)";

export interface LoadResult {
  runId: string;
  written: number;
  /** Writes that failed and were retried on a new connection (0 on a clean run). */
  writeRetries: number;
  /** From the first write to the last commit. */
  writeSeconds: number;
  /** Raw records of the run that came as snapshot reads (op 'r') instead of creates: filters of creates miss them. */
  snapshotReads: number;
  consumers: ConsumerLoad[];
}

export interface LoadDeps {
  filters: FilterSet;
  progress: (line: string) => void;
  /** The Kafka client config; default from the environment (KAFKA_API_KEY/SECRET) and options.bootstrapServers. */
  kafka?: KafkaConfig;
  /** A prefix of the run's event ids (default `load-<time>`), unique per run. */
  runId?: string;
  /** Seconds between progress lines. @default 5 */
  progressEverySeconds?: number;
  /** Handed the run's ledger once it exists (a fault trial watches it for recovery). */
  observe?: (ledger: LoadLedger) => void;
  /** Checked before each write: true ends the writing early (a fault trial once the pipeline recovered). */
  stopWhen?: () => boolean;
}

const UNIQUE_VIOLATION = "23505";

/** The database answers and has the captured table; otherwise an input error naming it (never its password). */
export async function probeDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1 FROM business_events LIMIT 0");
  } catch (e) {
    throw new InputError(
      `PostgreSQL at ${describeDatabaseUrl(url)}: ${(e as Error).message}; start the local pipeline (npm run local:up) or point --database-url (and PGPASSWORD) at the database`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One autocommitted insert per event; a failure reconnects and retries until `giveUpAt`. */
class VirtualUser {
  private client: Client | undefined;
  retries = 0;

  constructor(private readonly url: string) {}

  async insert(e: RawEvent, giveUpAt: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.client ??= await this.connect();
        await this.client.query(
          "INSERT INTO business_events (id, event_name, event_type, created_date, saved_date, event_data) VALUES ($1, $2, $3, $4, $5, $6)",
          [e.id, e.event_name, e.event_type, e.created_date, e.saved_date, e.event_data],
        );
        return;
      } catch (error) {
        // A retried insert whose first attempt committed before the connection broke: it is in.
        if (attempt > 0 && (error as { code?: string }).code === UNIQUE_VIOLATION) return;
        if (Date.now() > giveUpAt) throw error;
        this.retries++;
        await this.close();
        await sleep(250);
      }
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.url });
    // A server that goes away emits 'error' on an idle client; the next query fails and reconnects.
    client.on("error", () => undefined);
    await client.connect();
    return client;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** Reads the topics from the offsets they had before the run, handing each record of the run to `receive`. */
async function startReader(
  kafka: Kafka,
  topics: readonly string[],
  from: Offsets,
  runId: string,
  receive: (topic: string, id: string, op: unknown) => void,
): Promise<() => Promise<void>> {
  let leaving = false;
  const consumer = kafka.consumer({
    groupId: `cdc-routing-${runId}`,
    // Through a broker restart the consumer rejoins; once we leave, no restart (see consumers/topic-io.ts). At
    // most 2 s between attempts (kafkajs's default grows to 30 s): the recovery measured is the pipeline's, not
    // this reader's back-off (a broker crash measured 45.8 s with the default, 2026-12-06).
    retry: { retries: 60, initialRetryTime: 300, maxRetryTime: 2000, restartOnFailure: async () => !leaving },
    // The broker's smallest session (group.min.session.timeout.ms): after a broker restart the group waits out
    // the session of a member that rejoins under a new id (kafkajs's default is 30 s).
    sessionTimeout: 6000,
    heartbeatInterval: 1000,
    maxBytesPerPartition: 8 * 2 ** 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  // A record read again (the group resumed from its last committed offset after a broker restart) is this
  // reader's repeat, not a copy in the topic: copies are records at other offsets.
  const read = new Set<string>();
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      if (BigInt(message.offset) < (from.get(topic)?.get(partition) ?? 0n)) return;
      const position = `${topic}/${partition}/${message.offset}`;
      if (read.has(position)) return;
      read.add(position);
      let row: Record<string, unknown>;
      try {
        row = rawRecordRow(message.value);
      } catch {
        return; // not a record of this run (a tombstone)
      }
      if (typeof row.id === "string" && row.id.startsWith(`${runId}-`)) receive(topic, row.id, row.__op);
    },
  });
  return async () => {
    leaving = true;
    await consumer.disconnect();
  };
}

export async function runLoad(o: LoadOptions, deps: LoadDeps): Promise<LoadResult> {
  const { filters, progress } = deps;
  const runId = deps.runId ?? `load-${Date.now().toString(36)}`;
  const kinds = eventKinds(filters, o.stage, PAYLOAD_BYTES[o.payload]);
  const byConsumer = topicsByConsumer(filtersForStage(filters, o.stage));
  const consumerOf = new Map([...byConsumer].flatMap(([c, topics]) => topics.map((t) => [t, c] as const)));
  const rawTopic = filters.sourceTopic;
  consumerOf.set(rawTopic, RAW_TOPIC_ROW);
  const ledger = new LoadLedger([...byConsumer.keys(), RAW_TOPIC_ROW]);
  deps.observe?.(ledger);
  const kafka = new KafkaClient({
    ...(deps.kafka ??
      kafkaConfigFromEnv({ ...process.env, KAFKA_BOOTSTRAP_SERVERS: o.bootstrapServers }, "cdc-routing-load")),
    logLevel: logLevel.NOTHING,
  });
  const topics = [...consumerOf.keys()];
  let snapshotReads = 0;
  const stopReader = await startReader(kafka, topics, await endOffsets(kafka, topics), runId, (topic, id, op) => {
    // The rows were inserted: a snapshot read ('r') of one means the connector snapshotted again (no offsets).
    if (topic === rawTopic && op === "r") snapshotReads++;
    ledger.received(getOrThrow(consumerOf, topic), id, Date.now());
  });
  const count = eventCount(o.rate, o.durationSeconds);
  const users = Array.from({ length: o.users }, () => new VirtualUser(o.databaseUrl));
  const started = Date.now();
  const giveUpAt = started + (o.durationSeconds + o.drainSeconds) * 1000;
  let lastCommit = started;
  const report = setInterval(
    () => {
      const { received, expected } = ledger.progress();
      const elapsed = (Date.now() - started) / 1000;
      const writing = Math.max(0.001, (lastCommit - started) / 1000);
      progress(
        `${elapsed.toFixed(0)} s: written ${ledger.committedCount}/${count} (${(ledger.committedCount / writing).toFixed(1)}/s), received ${received}/${expected} (raw topic and consumers)`,
      );
    },
    (deps.progressEverySeconds ?? 5) * 1000,
  );
  try {
    await Promise.all(
      users.map(async (user, u) => {
        for (const index of userIndexes(u, o.users, count)) {
          if (deps.stopWhen?.()) return;
          const wait = started + dueAtMs(index, o.rate) - Date.now();
          if (wait > 0) await sleep(wait);
          const event = loadEvent(kinds, runId, index);
          await user.insert(event, giveUpAt);
          lastCommit = Date.now();
          const routed = routeEvent(filters, o.stage, event).map((t) => getOrThrow(consumerOf, t));
          ledger.committed(String(event.id), lastCommit, [...new Set(routed), RAW_TOPIC_ROW]);
        }
      }),
    );
    progress(`all ${ledger.committedCount} events written; waiting up to ${o.drainSeconds} s for them to arrive`);
    const drainUntil = Date.now() + o.drainSeconds * 1000;
    while (Date.now() < drainUntil && !ledger.complete()) await sleep(250);
    // Late copies (a replay after a fault) still count as duplicates.
    await sleep(2000);
  } finally {
    clearInterval(report);
    await Promise.all(users.map((u) => u.close()));
    await stopReader();
  }
  return {
    runId,
    written: ledger.committedCount,
    writeRetries: users.reduce((n, u) => n + u.retries, 0),
    writeSeconds: (lastCommit - started) / 1000,
    snapshotReads,
    consumers: ledger.report(),
  };
}

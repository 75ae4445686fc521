/**
 * The reads behind `cdc-routing status`, each a read-only call with a timeout (a slow one says it is still waiting):
 * - the connector and its tasks: the Connect API's `/connectors/{name}/status` (connector and task states, the
 *   trace's root cause), with a Cloud API key;
 * - every statement: the Flink SQL API's statement (phase, detail, warnings, scaling) and its latest exception
 *   (`/statements/{name}/exceptions`), with a Flink API key. The provider stops looking at a statement once it ran
 *   (resource_flink_statement.go), so this is the only place a statement that failed later shows;
 * - every consumer group's lag: committed offsets against the partitions' ends, with the Kafka admin client, which
 *   works on every cluster type (Kafka REST's lag-summary is Dedicated-only); and its members;
 * - each raw topic's newest record: the last record of each partition, read with a throwaway consumer group;
 * - each subject's latest registered version against the schema the stack registers, with a Schema Registry key.
 * No credential is ever printed: messages name the environment variables, never their values.
 */
import { randomUUID } from "node:crypto";
import { type Admin, type Kafka, Kafka as KafkaClient, type KafkaConfig, logLevel } from "kafkajs";
import { kafkaConfigFromEnv } from "../consumers/kafka-config";
import { partitionLag, watermarks } from "../consumers/topic-io";
import { ConnectionError } from "../lib/errors";
import type { Json } from "../lib/json";
import type { StageExpectations } from "./expectations";
import type { StatusReport, StatusRow } from "./report";
import type { StatusTargets } from "./targets";

/** The environment variables of each read's credentials, and the least role each needs (docs/monitoring.md). */
export const STATUS_CREDENTIALS = {
  cloud: {
    key: "CONFLUENT_CLOUD_API_KEY",
    secret: "CONFLUENT_CLOUD_API_SECRET",
    what: "a Cloud API key that may read the connector's status",
  },
  flink: {
    key: "CONFLUENT_FLINK_API_KEY",
    secret: "CONFLUENT_FLINK_API_SECRET",
    what: "a Flink API key of the stage's environment and region",
  },
  schemaRegistry: {
    key: "SCHEMA_REGISTRY_API_KEY",
    secret: "SCHEMA_REGISTRY_API_SECRET",
    what: "a Schema Registry API key of the stage's registry",
  },
  kafka: { key: "KAFKA_API_KEY", secret: "KAFKA_API_SECRET", what: "a Kafka API key of the stage's cluster" },
} as const;

type Pair = { key: string; secret: string };

export interface StatusCredentials {
  cloud: Pair;
  flink: Pair;
  schemaRegistry: Pair;
  kafka: KafkaConfig;
}

/** Credentials from the environment; every missing one is named (one line each), with what it must be. */
export function statusCredentials(env: NodeJS.ProcessEnv, bootstrapServers: string): StatusCredentials {
  const missing: string[] = [];
  const pair = (c: (typeof STATUS_CREDENTIALS)[keyof typeof STATUS_CREDENTIALS]): Pair => {
    for (const name of [c.key, c.secret])
      if (!env[name]) missing.push(`${name} is not set: ${c.what} (docs/monitoring.md, "The status command")`);
    return { key: env[c.key] ?? "", secret: env[c.secret] ?? "" };
  };
  const cloud = pair(STATUS_CREDENTIALS.cloud);
  const flink = pair(STATUS_CREDENTIALS.flink);
  const schemaRegistry = pair(STATUS_CREDENTIALS.schemaRegistry);
  // Confluent Cloud's brokers take SASL_SSL with a key; a loopback broker (the local deploy) takes none.
  if (/^SASL_SSL:\/\//.test(bootstrapServers)) pair(STATUS_CREDENTIALS.kafka);
  if (missing.length > 0) throw new ConnectionError(missing);
  const kafka = kafkaConfigFromEnv(
    {
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
      KAFKA_API_KEY: env.KAFKA_API_KEY,
      KAFKA_API_SECRET: env.KAFKA_API_SECRET,
    },
    "cdc-routing-status",
  );
  return { cloud, flink, schemaRegistry, kafka };
}

export interface ReadOptions {
  /** Each call's limit. */
  readonly timeoutMs: number;
  /** Where a slow call says it is still waiting (stderr). */
  readonly progress: (line: string) => void;
}

const PROGRESS_EVERY_MS = 3000;

/** Runs one read with its timeout; a slow one reports every few seconds that it is still waiting. */
export async function timed<T>(what: string, o: ReadOptions, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const started = Date.now();
  const ticker = setInterval(
    () => o.progress(`still waiting for ${what} (${Math.round((Date.now() - started) / 1000)} s)`),
    PROGRESS_EVERY_MS,
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new ConnectionError(`${what}: no answer in ${o.timeoutMs / 1000} s (raise --timeout, or check the network)`),
      );
    }, o.timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearInterval(ticker);
    clearTimeout(timer);
  }
}

const basic = (p: Pair) => `Basic ${Buffer.from(`${p.key}:${p.secret}`).toString("base64")}`;

/** GET (or POST) JSON; 404 is undefined; refused credentials and unreachable hosts are connection errors. */
async function requestJson(
  what: string,
  url: string,
  credentials: Pair,
  credentialNames: string,
  signal: AbortSignal,
  body?: unknown,
): Promise<Json | undefined> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        Authorization: basic(credentials),
        ...(body === undefined ? {} : { "Content-Type": "application/vnd.schemaregistry.v1+json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (signal.aborted) throw e;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new ConnectionError(
      `cannot reach ${what} at ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
    );
  }
  if (response.status === 401 || response.status === 403)
    throw new ConnectionError(
      `${what} refused the credentials in ${credentialNames} (HTTP ${response.status}); check the key, its secret and its role (docs/monitoring.md)`,
    );
  if (response.status === 404) return undefined;
  const text = await response.text();
  if (!response.ok) throw new ConnectionError(`${what} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Json) : {};
}

const names = (c: { key: string; secret: string }) => `${c.key}/${c.secret}`;

async function readConnector(t: StatusTargets, c: StatusCredentials, o: ReadOptions): Promise<StatusRow[]> {
  const url = `${t.cloud_api_endpoint}/connect/v1/environments/${t.environment_id}/clusters/${t.kafka_cluster_id}/connectors/${encodeURIComponent(t.connector_name)}/status`;
  const status = await timed(`the connector's status (Connect API)`, o, (signal) =>
    requestJson("the Connect API", url, c.cloud, names(STATUS_CREDENTIALS.cloud), signal),
  );
  if (!status)
    return [
      {
        kind: "connector",
        name: t.connector_name,
        state: "MISSING",
        detail: `the Connect API has no connector of that name in ${t.kafka_cluster_id}`,
        healthy: false,
      },
    ];
  const state = String(status.connector?.state ?? "UNKNOWN");
  return [
    {
      kind: "connector",
      name: t.connector_name,
      state,
      detail: status.connector?.trace ? `root cause: ${status.connector.trace}` : "",
      healthy: state === "RUNNING",
    },
    ...(status.tasks ?? []).map(
      (task: Json): StatusRow => ({
        kind: "task",
        name: `${t.connector_name}/${task.id}`,
        state: String(task.state),
        detail: task.msg ? `root cause: ${task.msg}` : "",
        healthy: task.state === "RUNNING",
      }),
    ),
  ];
}

async function readStatement(t: StatusTargets, c: StatusCredentials, name: string, o: ReadOptions): Promise<StatusRow> {
  const base = `${t.flink_rest_endpoint}/sql/v1/organizations/${t.organization_id}/environments/${t.environment_id}/statements/${encodeURIComponent(name)}`;
  const credentialNames = names(STATUS_CREDENTIALS.flink);
  const s = await timed(`statement ${name} (Flink SQL API)`, o, (signal) =>
    requestJson("the Flink SQL API", base, c.flink, credentialNames, signal),
  );
  if (!s)
    return {
      kind: "statement",
      name,
      state: "MISSING",
      detail: "the Flink SQL API has no such statement",
      healthy: false,
    };
  const exceptions = await timed(`the exceptions of statement ${name}`, o, (signal) =>
    requestJson("the Flink SQL API", `${base}/exceptions`, c.flink, credentialNames, signal),
  );
  const phase = String(s.status?.phase ?? "UNKNOWN");
  const warnings: Json[] = s.status?.warnings ?? [];
  const scaling = s.status?.scaling_status?.scaling_state;
  const latest: Json | undefined = exceptions?.data?.[0];
  const said = String(s.status?.detail ?? "");
  const detail = [
    said,
    ...warnings.map((w) => `warning ${w.severity} ${w.reason}: ${w.message}`),
    scaling && scaling !== "OK" ? `scaling ${scaling}` : "",
    // The latest exception, unless the detail already says it.
    latest
      ? `latest exception (${latest.timestamp}) ${said.includes(latest.message) ? latest.name : `${latest.name}: ${latest.message}`}`
      : "",
  ].filter(Boolean);
  return {
    kind: "statement",
    name,
    state: phase,
    detail: detail.join("; "),
    // CRITICAL warnings "will cause degraded statements eventually" (SqlV1StatementWarning).
    healthy: phase === "RUNNING" && !warnings.some((w) => w.severity === "CRITICAL"),
  };
}

/**
 * Each consumer's lag: its committed offsets first, then the topics' end offsets. An end offset read later is never
 * below an offset committed earlier; read the other way round, a consumer that committed in between showed lag -1.
 * Exported for its test.
 */
export async function readConsumers(
  admin: Admin,
  e: Pick<StageExpectations, "consumers">,
  o: ReadOptions,
): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for (const consumer of e.consumers) {
    const { group, topics, maxLag, lagFor } = consumer;
    const [offsets, ends, described] = await timed(`the lag of consumer group ${group} (Kafka)`, o, async () => [
      await admin.fetchOffsets({ groupId: group, topics: [...topics] }),
      await watermarks(admin, topics),
      await admin.describeGroups([group]),
    ]);
    let lag = 0;
    let committed = 0;
    for (const t of offsets) {
      for (const p of t.partitions) {
        const end = ends.get(t.topic)?.find((x) => x.partition === p.partition);
        if (!end) continue;
        const at = Number(p.offset);
        if (at >= 0) committed += 1;
        lag += partitionLag(end, at);
      }
    }
    const members = described.groups[0]?.members.length ?? 0;
    const problems = [
      ...(members === 0 ? ["no active member: the consumer is not running"] : []),
      ...(committed === 0 ? ["no committed offset yet"] : []),
      ...(lag > maxLag ? [`above its threshold ${maxLag} (alerts after ${lagFor})`] : []),
    ];
    rows.push({
      kind: "consumer",
      name: consumer.consumer,
      state: `lag ${lag}`,
      detail: [`group ${group}, ${members} member${members === 1 ? "" : "s"}, ${topics.join(", ")}`, ...problems].join(
        "; ",
      ),
      healthy: members > 0 && lag <= maxLag,
    });
  }
  return rows;
}

/** The newest record's timestamp per topic (undefined: empty), read from each partition's last offset. */
async function newestRecords(kafka: Kafka, ends: Map<string, Array<{ partition: number; low: number; high: number }>>) {
  const wanted = [...ends].flatMap(([topic, parts]) =>
    parts.filter((p) => p.high > p.low).map((p) => ({ topic, partition: p.partition, offset: p.high - 1 })),
  );
  const newest = new Map<string, number>();
  if (wanted.length === 0) return newest;
  const consumer = kafka.consumer({ groupId: `cdc-routing-status-${randomUUID()}`, retry: { retries: 1 } });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...ends.keys()], fromBeginning: false });
    const remaining = new Set(wanted.map((w) => `${w.topic}/${w.partition}`));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const time = Number(message.timestamp);
        newest.set(topic, Math.max(newest.get(topic) ?? 0, time));
        remaining.delete(`${topic}/${partition}`);
        if (remaining.size === 0) finish();
      },
    });
    for (const w of wanted) consumer.seek({ topic: w.topic, partition: w.partition, offset: String(w.offset) });
    await finished;
  } finally {
    await consumer.disconnect();
  }
  return newest;
}

const age = (ms: number): string =>
  ms < 120_000
    ? `${Math.round(ms / 1000)} s ago`
    : ms < 7_200_000
      ? `${Math.round(ms / 60_000)} min ago`
      : `${Math.round(ms / 3_600_000)} h ago`;

async function readRawTopics(kafka: Kafka, admin: Admin, e: StageExpectations, o: ReadOptions): Promise<StatusRow[]> {
  const ends = await timed("the raw topics' ends (Kafka)", o, () => watermarks(admin, e.rawTopics));
  const newest = await timed("the raw topics' newest records (Kafka)", o, () => newestRecords(kafka, ends));
  const now = Date.now();
  return e.rawTopics.map((topic) => {
    const at = newest.get(topic);
    const limit = `alerts when older than ${e.rawSilentSeconds / 60} min`;
    if (at === undefined)
      return { kind: "raw topic", name: topic, state: "empty", detail: `no record yet; ${limit}`, healthy: true };
    return {
      kind: "raw topic",
      name: topic,
      state: age(now - at),
      detail: `newest record ${new Date(at).toISOString()}; ${limit}`,
      healthy: now - at <= e.rawSilentSeconds * 1000,
    };
  });
}

/** JSON compared by value: Schema Registry may answer a schema with other whitespace. */
const sameJson = (a: string, b: string): boolean => {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  try {
    return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
  } catch {
    return a === b;
  }
};

async function readSubjects(
  t: StatusTargets,
  c: StatusCredentials,
  e: StageExpectations,
  o: ReadOptions,
): Promise<StatusRow[]> {
  const credentialNames = names(STATUS_CREDENTIALS.schemaRegistry);
  const rows: StatusRow[] = [];
  for (const { subject, schema } of e.subjects) {
    const base = `${t.schema_registry_endpoint}/subjects/${encodeURIComponent(subject)}`;
    const latest = await timed(`subject ${subject} (Schema Registry)`, o, (signal) =>
      requestJson("Schema Registry", `${base}/versions/latest`, c.schemaRegistry, credentialNames, signal),
    );
    if (!latest) {
      rows.push({
        kind: "subject",
        name: subject,
        state: "MISSING",
        detail: "not registered; the stack registers it",
        healthy: false,
      });
      continue;
    }
    if (sameJson(latest.schema, schema)) {
      rows.push({
        kind: "subject",
        name: subject,
        state: `v${latest.version}`,
        detail: "the stack's schema",
        healthy: true,
      });
      continue;
    }
    const stacks = await timed(`the stack's version of ${subject} (Schema Registry)`, o, (signal) =>
      requestJson("Schema Registry", base, c.schemaRegistry, credentialNames, signal, { schema, schemaType: "JSON" }),
    );
    rows.push({
      kind: "subject",
      name: subject,
      state: `v${latest.version}`,
      detail: stacks
        ? `the latest version is not the stack's (the stack's is v${stacks.version}): registered outside the stack`
        : "the latest version is not the stack's, and the stack's schema is not registered: apply the stack",
      healthy: false,
    });
  }
  return rows;
}

/** Every read, in the table's order; a service that cannot be reached stops it with a connection error. */
export async function readStatus(
  targets: StatusTargets,
  expectations: StageExpectations,
  credentials: StatusCredentials,
  o: ReadOptions,
): Promise<StatusReport> {
  const rows: StatusRow[] = [];
  o.progress(
    `reading the status of ${targets.stage}: connector, ${targets.statements.length} statement(s), ${expectations.consumers.length} consumer(s), ${expectations.rawTopics.length} raw topic(s), ${expectations.subjects.length} subject(s)`,
  );
  rows.push(...(await readConnector(targets, credentials, o)));
  for (const name of targets.statements) rows.push(await readStatement(targets, credentials, name, o));
  const kafka = new KafkaClient({
    ...credentials.kafka,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(o.timeoutMs, 10_000),
    requestTimeout: o.timeoutMs,
    retry: { retries: 1 },
  });
  const admin = kafka.admin();
  try {
    await timed(`Kafka at ${String(credentials.kafka.brokers)}`, o, () => admin.connect());
    rows.push(...(await readConsumers(admin, expectations, o)));
    rows.push(...(await readRawTopics(kafka, admin, expectations, o)));
  } catch (e) {
    if (e instanceof Error && e.name.startsWith("KafkaJS"))
      throw new ConnectionError(
        `Kafka at ${String(credentials.kafka.brokers)}: ${e.message}; check the bootstrap endpoint and ${names(STATUS_CREDENTIALS.kafka)}`,
      );
    throw e;
  } finally {
    await admin.disconnect();
  }
  rows.push(...(await readSubjects(targets, credentials, expectations, o)));
  return { stage: targets.stage, rows };
}

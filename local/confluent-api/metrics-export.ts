/**
 * The Metrics API's Prometheus export (`GET /v2/metrics/cloud/export`, Metrics API reference,
 * https://api.telemetry.confluent.cloud/docs, "Export metric values"), computed from the real engines behind the
 * double, with Confluent's metric names and labels (monitoring/metrics.ts):
 * - consumer lag per consumer group and topic, for groups with an active member only ("Monitor Consumer Lag",
 *   https://docs.confluent.io/cloud/current/monitoring/monitor-lag.html: groups without one are not returned);
 * - records received per topic of a cluster, as a per-minute count (a counter is exported as the change over the last
 *   minute, typed gauge);
 * - the connector's and each task's state, as the Connect API reports them (observed-engines.ts);
 * - per running statement of a compute pool: records in (its committed source positions moving: Flink commits them
 *   at each checkpoint), records out (its sink topics' ends moving) and pending records (its sources' ends minus its
 *   committed positions).
 * Resources are named by `resource.<type>.id` or `resource_<type>_id`, repeated or comma-separated. The caller needs a
 * Cloud API key whose owner holds MetricsViewer on the organization or the resource's environment; each resource it
 * cannot read is reported as `confluent_scrape_resource_access_error` 1 (0 when it can), and 403 only when it can
 * read none. Points carry the time they were read (Confluent's are about three minutes old).
 */
import type { Admin } from "kafkajs";
import { partitionLag, watermarks, withAdmin } from "../../consumers/topic-io";
import { inferredTableGroup } from "../../flink-sql/inferred-table";
import { EXPORT_PATH, METRICS } from "../../monitoring/metrics";
import { sourceTopics } from "./engines";
import { ApiError, badRequest } from "./errors";
import type { Answer, Request } from "./http";
import { liveConnectorStatus, type ObservedEngines, observedEngines } from "./observed-engines";
import type { Json, Store } from "./store";

export { EXPORT_PATH };

const RESOURCE_TYPES = ["kafka", "connector", "compute_pool"] as const;
type ResourceType = (typeof RESOURCE_TYPES)[number];
/** Resource types the real export takes that this double has no resources of. */
const UNMODELLED = ["custom_connector", "ksql", "schema_registry"];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The resources a request names, in order, each once. */
function requestedResources(query: URLSearchParams): Array<{ type: ResourceType; id: string }> {
  for (const type of UNMODELLED)
    if (query.has(`resource.${type}.id`) || query.has(`resource_${type}_id`))
      throw badRequest(`The local double has no ${type} resources; ask for kafka, connector or compute_pool`);
  const resources = RESOURCE_TYPES.flatMap((type) =>
    [...query.getAll(`resource.${type}.id`), ...query.getAll(`resource_${type}_id`)]
      .flatMap((v) => v.split(","))
      .filter(Boolean)
      .map((id) => ({ type, id })),
  );
  if (resources.length === 0)
    throw badRequest(
      "Name at least one resource: resource.kafka.id, resource.connector.id or resource.compute_pool.id",
    );
  return resources.filter((r, i) => resources.findIndex((x) => x.type === r.type && x.id === r.id) === i);
}

/** The service account behind a Cloud API key; resource keys (Kafka, Flink, ...) are refused, as Confluent does. */
function metricsReader(req: Request): string {
  const key = req.auth && req.store.apiKeys.get(req.auth.user);
  if (!key || key.spec.secret !== req.auth?.password || key.spec.resource.kind !== "Cloud")
    throw new ApiError(401, "unauthorized", "The Metrics API needs a Cloud API key");
  return key.spec.owner.id;
}

function connectorById(store: Store, id: string) {
  const entry = [...store.connectors.entries()].find(([, c]) => c.id === id);
  return entry && { env: entry[0].split("/")[0], connector: entry[1] };
}

function environmentOf(store: Store, type: ResourceType, id: string): string | undefined {
  if (type === "kafka") return store.kafkaClusters.get(id)?.spec.environment.id;
  if (type === "compute_pool") return store.computePools.get(id)?.spec.environment.id;
  return connectorById(store, id)?.env;
}

/** MetricsViewer on the organization or on the resource's environment (constructs/metrics-reader.ts). */
function mayRead(store: Store, account: string, env: string): boolean {
  const scopes = [`crn://confluent.cloud/organization=${store.organizationId}`, store.environmentCrn(env)];
  return [...store.roleBindings.values()].some(
    (b) => b.principal === `User:${account}` && b.role_name === "MetricsViewer" && scopes.includes(b.crn_pattern),
  );
}

const counters = new WeakMap<Store, Map<string, Array<{ at: number; total: number }>>>();

/** A per-minute counter from a running total: its change since the window's start (0 on the first reading). */
function perWindow(store: Store, key: string, total: number, windowMs: number, now: number): number {
  const byKey = counters.get(store) ?? new Map<string, Array<{ at: number; total: number }>>();
  counters.set(store, byKey);
  const readings = [...(byKey.get(key) ?? []), { at: now, total }];
  // Keep the last reading at or before the window's start as the baseline, and everything since.
  const since = readings.filter((r) => r.at > now - windowMs).length;
  const kept = readings.slice(Math.max(readings.length - since - 1, 0));
  byKey.set(key, kept);
  return total - kept[0].total;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** Committed offsets of a group, by topic and partition (-1: none). */
async function committed(admin: Admin, groupId: string, topics?: string[]) {
  const result = new Map<string, Map<number, number>>();
  for (const t of await admin.fetchOffsets({ groupId, ...(topics ? { topics } : {}) }))
    result.set(t.topic, new Map(t.partitions.map((p) => [p.partition, Number(p.offset)])));
  return result;
}

async function kafkaSamples(store: Store, engines: ObservedEngines, admin: Admin, id: string): Promise<Sample[]> {
  const topics = [...store.topics.values()].filter((t) => t.cluster === id).map((t) => t.name);
  // Committed offsets before end offsets: an end offset read later is never below an offset committed earlier (the
  // other way round, a group that committed in between showed negative lag).
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
  const described = groups.length ? (await admin.describeGroups(groups)).groups : [];
  const offsets: Array<[string, Map<string, Map<number, number>>]> = [];
  for (const { groupId, members } of described)
    if (members.length > 0) offsets.push([groupId, await committed(admin, groupId)]);
  const ends = await watermarks(admin, topics);
  const now = Date.now();
  const samples: Sample[] = topics.map((topic) => ({
    name: METRICS.receivedRecords,
    labels: { kafka_id: id, topic },
    value: perWindow(
      store,
      `received/${topic}`,
      sum((ends.get(topic) ?? []).map((p) => p.high)),
      engines.counterWindowMs,
      now,
    ),
  }));
  for (const [groupId, byTopic] of offsets) {
    for (const [topic, partitions] of byTopic) {
      const end = ends.get(topic);
      if (!end) continue;
      const lag = sum(end.map((p) => partitionLag(p, partitions.get(p.partition) ?? -1)));
      samples.push({
        name: METRICS.consumerLag,
        labels: { kafka_id: id, topic, consumer_group_id: groupId },
        value: lag,
      });
    }
  }
  return samples;
}

async function connectorSamples(store: Store, id: string): Promise<Sample[]> {
  const found = connectorById(store, id);
  if (!found) return [];
  const c = found.connector;
  const status: Json = (c.engine && (await liveConnectorStatus(store, c.name))) ?? {
    connector: { state: c.state },
    tasks: [{ id: 0, state: c.state }],
  };
  return [
    { name: METRICS.connectorStatus, labels: { connector_id: id, status: status.connector.state }, value: 1 },
    ...status.tasks.map((t: Json) => ({
      name: METRICS.connectorTaskStatus,
      labels: { connector_id: id, task: String(t.id), status: t.state },
      value: 1,
    })),
  ];
}

/** Topics a statement writes (`INSERT INTO \`topic\``). */
const sinkTopics = (sql: string): string[] =>
  [...new Set([...sql.matchAll(/\bINSERT\s+INTO\s+`([^`]+)`/gi)].map((m) => m[1]))].sort();

async function computePoolSamples(store: Store, engines: ObservedEngines, admin: Admin, id: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  const now = Date.now();
  const running = [...store.statements.values()].filter(
    (s) =>
      s.spec.compute_pool_id === id && !s.spec.stopped && ["RUNNING", "FAILING", "DEGRADED"].includes(s.status.phase),
  );
  for (const s of running) {
    const sources = sourceTopics(s.spec.statement);
    const sinks = sinkTopics(s.spec.statement);
    const ends = await watermarks(admin, [...sources, ...sinks]);
    let read = 0;
    let pending = 0;
    for (const topic of sources) {
      const positions = (await committed(admin, inferredTableGroup(topic), [topic])).get(topic);
      for (const p of ends.get(topic) ?? []) {
        const at = positions?.get(p.partition) ?? -1;
        const position = at >= 0 ? at : p.low;
        read += position;
        pending += p.high - position;
      }
    }
    const written = sum(sinks.flatMap((t) => (ends.get(t) ?? []).map((p) => p.high)));
    const labels = { compute_pool_id: id, flink_statement_name: s.name };
    const window = engines.counterWindowMs;
    samples.push(
      { name: METRICS.recordsIn, labels, value: perWindow(store, `in/${s.name}`, read, window, now) },
      { name: METRICS.recordsOut, labels, value: perWindow(store, `out/${s.name}`, written, window, now) },
      { name: METRICS.pendingRecords, labels, value: pending },
    );
  }
  return samples;
}

const labelValue = (v: string) => JSON.stringify(v).slice(1, -1);

/** Prometheus text format 0.0.4: one TYPE line per metric, then its samples, each with the reading's time. */
function exposition(samples: Sample[], at: number): string {
  const names = [...new Set(samples.map((s) => s.name))];
  return names
    .flatMap((name) => [
      `# TYPE ${name} gauge`,
      ...samples
        .filter((s) => s.name === name)
        .map((s) => {
          const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${labelValue(v)}"`);
          return `${name}{${labels.join(",")}} ${s.value} ${at}`;
        }),
    ])
    .map((line) => `${line}\n`)
    .join("");
}

export async function exportMetrics(req: Request): Promise<Answer> {
  const account = metricsReader(req);
  const resources = requestedResources(req.query);
  const readable = resources.map((r) => {
    const env = environmentOf(req.store, r.type, r.id);
    return { ...r, ok: env !== undefined && mayRead(req.store, account, env) };
  });
  if (!readable.some((r) => r.ok))
    throw new ApiError(403, "forbidden", "The API key may read none of the requested resources (MetricsViewer)");
  const engines = observedEngines(req.store);
  const read = async (admin: Admin | undefined) => {
    const samples: Sample[] = [];
    for (const r of readable.filter((x) => x.ok)) {
      if (r.type === "connector") samples.push(...(await connectorSamples(req.store, r.id)));
      else if (engines && admin)
        samples.push(
          ...(r.type === "kafka"
            ? await kafkaSamples(req.store, engines, admin, r.id)
            : await computePoolSamples(req.store, engines, admin, r.id)),
        );
    }
    return samples;
  };
  const samples = engines ? await withAdmin(engines.kafka, read) : await read(undefined);
  const access = readable.map((r) => ({
    name: METRICS.resourceAccessError,
    labels: { resource_id: r.id, resource_type: r.type },
    value: r.ok ? 0 : 1,
  }));
  return {
    status: 200,
    contentType: "text/plain; version=0.0.4; charset=utf-8",
    body: exposition([...samples, ...access], Date.now()),
  };
}

/**
 * Kafka REST v3 on a cluster's rest endpoint: topics, topic configs, ACLs (confluent_kafka_topic,
 * confluent_kafka_acl; the list of topics is the Kafka API key's sync check). Authenticated with a Kafka API
 * key of that cluster, as Confluent requires. Errors in Kafka REST's `{error_code, message}` shape with the
 * broker's own messages (Kafka's InvalidTopicException, InvalidPartitionsException, TopicExistsException).
 * Shapes: testdata/kafka_topic, kafka_acl, apikey/read_list_topics_200.json.
 */
import { restError, restNotFound } from "./errors";
import { type Answer, noContent, ok, type Request } from "./http";
import { keyFor } from "./iam";
import type { Json, Store } from "./store";

const ACL_FIELDS = [
  "resource_type",
  "resource_name",
  "pattern_type",
  "principal",
  "host",
  "operation",
  "permission",
] as const;
/** Kafka's rule for topic names (org.apache.kafka.common.internals.Topic.validate). */
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/** The cluster the call addresses, if the caller holds one of its Kafka API keys; 401 otherwise. */
function authorizedCluster(req: Request): Json {
  const cluster = req.store.kafkaClusters.get(req.params.cluster);
  if (!cluster) throw restNotFound(40403, `Cluster ${req.params.cluster} cannot be found.`);
  if (!keyFor(req.store, req.auth, cluster.id)) throw restError(401, 40101, "Unauthorized");
  return cluster;
}

function topicKey(cluster: string, name: string): string {
  return `${cluster}/${name}`;
}

function topicJson(store: Store, t: { cluster: string; name: string; partitions: number }): Json {
  const self = `${store.baseUrl}/kafka/v3/clusters/${t.cluster}/topics/${t.name}`;
  return {
    kind: "KafkaTopic",
    metadata: { self, resource_name: `crn:///kafka=${t.cluster}/topic=${t.name}` },
    cluster_id: t.cluster,
    topic_name: t.name,
    is_internal: false,
    replication_factor: 3,
    partitions_count: t.partitions,
    partitions: { related: `${self}/partitions` },
    configs: { related: `${self}/configs` },
    partition_reassignments: { related: `${self}/partitions/-/reassignment` },
  };
}

function topic(req: Request) {
  const cluster = authorizedCluster(req);
  const t = req.store.topics.get(topicKey(cluster.id, req.params.topic));
  if (!t) throw restNotFound(40403, "This server does not host this topic-partition.");
  return t;
}

export function listTopics(req: Request): Answer {
  const cluster = authorizedCluster(req);
  const data = [...req.store.topics.values()]
    .filter((t) => t.cluster === cluster.id)
    .map((t) => topicJson(req.store, t));
  return ok({
    kind: "KafkaTopicList",
    metadata: { self: `${req.store.baseUrl}/kafka/v3/clusters/${cluster.id}/topics`, next: null },
    data,
  });
}

export async function postTopic(req: Request): Promise<Answer> {
  const cluster = authorizedCluster(req);
  const name = req.body?.topic_name;
  if (typeof name !== "string" || !LEGAL_TOPIC.test(name) || name === "." || name === "..") {
    throw restError(
      400,
      40002,
      `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    );
  }
  if (req.store.topics.has(topicKey(cluster.id, name))) throw restError(400, 40002, `Topic '${name}' already exists.`);
  const partitions = req.body.partitions_count ?? 6;
  if (partitions < 1) throw restError(400, 40002, `Number of partitions must be larger than 0.`);
  const configs = Object.fromEntries((req.body.configs ?? []).map((c: Json) => [c.name, String(c.value)]));
  const t = { cluster: cluster.id, name, partitions, configs };
  await req.store.engines?.createTopic(name, partitions, configs);
  req.store.topics.set(topicKey(cluster.id, name), t);
  return ok(topicJson(req.store, t), 201);
}

export const getTopic = (req: Request): Answer => ok(topicJson(req.store, topic(req)));

/** Partitions can only grow (Kafka's CreatePartitions; docs: "you cannot decrease the number of partitions"). */
export async function patchTopic(req: Request): Promise<Answer> {
  const t = topic(req);
  const wanted = req.body?.partitions_count;
  if (typeof wanted === "number" && wanted < t.partitions) {
    throw restError(
      400,
      40002,
      `Topic currently has ${t.partitions} partitions, which is higher than the requested ${wanted}.`,
    );
  }
  if (typeof wanted === "number" && wanted > t.partitions) await req.store.engines?.addPartitions(t.name, wanted);
  if (typeof wanted === "number") t.partitions = wanted;
  return ok(topicJson(req.store, t));
}

export async function deleteTopic(req: Request): Promise<Answer> {
  const t = topic(req);
  await req.store.engines?.deleteTopic(t.name);
  req.store.topics.delete(topicKey(t.cluster, t.name));
  return noContent();
}

/** Only the topic's dynamic configs: the provider keeps those (source DYNAMIC_TOPIC_CONFIG) and drops defaults. */
export function listTopicConfigs(req: Request): Answer {
  const t = topic(req);
  const self = `${req.store.baseUrl}/kafka/v3/clusters/${t.cluster}/topics/${t.name}/configs`;
  const data = Object.entries(t.configs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({
      kind: "KafkaTopicConfig",
      metadata: { self: `${self}/${name}`, resource_name: `crn:///kafka=${t.cluster}/topic=${t.name}/config=${name}` },
      cluster_id: t.cluster,
      name,
      value,
      is_read_only: false,
      is_sensitive: false,
      source: "DYNAMIC_TOPIC_CONFIG",
      synonyms: [{ name, value, source: "DYNAMIC_TOPIC_CONFIG" }],
      topic_name: t.name,
      is_default: false,
    }));
  return ok({ kind: "KafkaTopicConfigList", metadata: { self, next: null }, data });
}

export function alterTopicConfigs(req: Request): Answer {
  const t = topic(req);
  for (const c of req.body?.data ?? []) {
    if (c.operation === "DELETE") delete t.configs[c.name];
    else t.configs[c.name] = String(c.value);
  }
  return noContent();
}

function aclFrom(source: (field: string) => string | null | undefined): Json {
  return Object.fromEntries(ACL_FIELDS.map((f) => [f, source(f) ?? ""]));
}

const sameAcl = (a: Json, b: Json) => ACL_FIELDS.every((f) => a[f] === b[f]);

export function postAcl(req: Request): Answer {
  const cluster = authorizedCluster(req);
  const acl = aclFrom((f) => req.body?.[f]);
  const missing = ACL_FIELDS.filter((f) => acl[f] === "" && f !== "host");
  if (missing.length > 0) throw restError(400, 40002, `Missing ACL field(s): ${missing.join(", ")}`);
  const acls = req.store.acls.get(cluster.id) ?? [];
  if (!acls.some((a) => sameAcl(a, acl))) acls.push(acl);
  req.store.acls.set(cluster.id, acls);
  return { status: 201 };
}

function aclJson(store: Store, cluster: string, acl: Json): Json {
  const query = new URLSearchParams(acl).toString();
  return {
    kind: "KafkaAcl",
    metadata: { self: `${store.baseUrl}/kafka/v3/clusters/${cluster}/acls?${query}` },
    cluster_id: cluster,
    ...acl,
  };
}

/** Search and delete match all 7 fields exactly, as the provider sends them (it never sends ANY). */
export function searchAcls(req: Request): Answer {
  const cluster = authorizedCluster(req);
  const wanted = aclFrom((f) => req.query.get(f));
  const data = (req.store.acls.get(cluster.id) ?? [])
    .filter((a) => sameAcl(a, wanted))
    .map((a) => aclJson(req.store, cluster.id, a));
  return ok({
    kind: "KafkaAclList",
    metadata: { self: `${req.store.baseUrl}/kafka/v3/clusters/${cluster.id}/acls`, next: null },
    data,
  });
}

export function deleteAcls(req: Request): Answer {
  const cluster = authorizedCluster(req);
  const wanted = aclFrom((f) => req.query.get(f));
  const acls = req.store.acls.get(cluster.id) ?? [];
  const deleted = acls.filter((a) => sameAcl(a, wanted));
  req.store.acls.set(
    cluster.id,
    acls.filter((a) => !sameAcl(a, wanted)),
  );
  return ok({ data: deleted.map((a) => aclJson(req.store, cluster.id, a)) });
}

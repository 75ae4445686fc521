/**
 * cmk/v2 Kafka clusters (confluent_kafka_cluster). Created PROVISIONING (202), PROVISIONED after one read (the
 * provider polls status.phase, utils_wait.go kafkaClusterProvisionStatus). Shapes: testdata/kafka/*.json.
 * The cluster's http_endpoint is this double (Kafka REST v3, kafka-rest.ts).
 */
import { badRequest, notFound, requireFields } from "./errors";
import { type Answer, noContent, ok, type Request } from "./http";
import { environment } from "./org";
import { type Json, type Store, withPhase } from "./store";

/** Cluster types this stack uses; the API names the type by the config's `kind` (a oneOf). */
const CLUSTER_KINDS = new Set(["Basic", "Standard", "Enterprise", "Dedicated"]);

export function kafkaCluster(store: Store, id: string, envId: string | null): Json & { readsUntilReady: number } {
  const cluster = store.kafkaClusters.get(id);
  if (!cluster || (envId !== null && cluster.spec.environment.id !== envId)) throw notFound(`Kafka cluster ${id}`);
  return cluster;
}

export function postCluster(req: Request): Answer {
  requireFields(req.body, [
    "spec.display_name",
    "spec.availability",
    "spec.cloud",
    "spec.region",
    "spec.config.kind",
    "spec.environment.id",
  ]);
  const spec = req.body.spec;
  if (!CLUSTER_KINDS.has(spec.config.kind)) throw badRequest(`Unsupported cluster kind "${spec.config.kind}"`);
  const env = environment(req.store, spec.environment.id);
  const id = req.store.nextId("lkc-");
  const cluster = {
    api_version: "cmk/v2",
    id,
    kind: "Cluster",
    metadata: {
      created_at: req.store.now(),
      resource_name: `${env.metadata.resource_name}/cloud-cluster=${id}/kafka=${id}`,
      self: `${req.store.baseUrl}/cmk/v2/clusters/${id}`,
      updated_at: req.store.now(),
    },
    spec: {
      availability: spec.availability,
      cloud: spec.cloud,
      config:
        spec.config.kind === "Basic" || spec.config.kind === "Standard"
          ? { kind: spec.config.kind, max_ecku: spec.config.max_ecku ?? 5 }
          : { ...spec.config },
      deletion_protection: false,
      display_name: spec.display_name,
      environment: {
        api_version: "org/v2",
        id: env.id,
        kind: "Environment",
        related: env.metadata.self,
        resource_name: env.metadata.resource_name,
      },
      http_endpoint: req.store.baseUrl,
      kafka_bootstrap_endpoint: `SASL_SSL://${id}.kafka.local:9092`,
      region: spec.region,
    },
    status: { phase: "PROVISIONED" },
    readsUntilReady: 1,
  };
  req.store.kafkaClusters.set(id, cluster);
  return ok(withPhase(cluster, "PROVISIONING"), 202);
}

export function getCluster(req: Request): Answer {
  const cluster = kafkaCluster(req.store, req.params.id, req.query.get("environment"));
  return ok(withPhase(cluster));
}

export function patchCluster(req: Request): Answer {
  const cluster = kafkaCluster(req.store, req.params.id, req.body?.spec?.environment?.id ?? null);
  const spec = req.body.spec ?? {};
  if (spec.display_name) cluster.spec.display_name = spec.display_name;
  if (spec.availability) cluster.spec.availability = spec.availability;
  if (spec.config?.kind)
    cluster.spec.config = { kind: spec.config.kind, max_ecku: spec.config.max_ecku ?? cluster.spec.config.max_ecku };
  return ok(withPhase(cluster, "PROVISIONED"));
}

export function deleteCluster(req: Request): Answer {
  const cluster = kafkaCluster(req.store, req.params.id, req.query.get("environment"));
  req.store.kafkaClusters.delete(cluster.id);
  for (const [key, topic] of req.store.topics) if (topic.cluster === cluster.id) req.store.topics.delete(key);
  req.store.acls.delete(cluster.id);
  return noContent();
}

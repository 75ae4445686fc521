/**
 * org/v2 environments (confluent_environment, and the list the confluent_organization data source reads) and
 * srcm/v3 Schema Registry clusters (the confluent_schema_registry_cluster data source; the cluster appears with
 * the environment's Stream Governance package). Shapes: internal/testdata/environment/*.json,
 * organization/read_environments.json, schema_registry_cluster/read_*.json.
 */
import { notFound, requireFields } from "./errors";
import { type Answer, noContent, ok, type Request } from "./http";
import { type Json, type Store, withPhase } from "./store";

/** Every Confluent organization starts with an environment named "default"; the organization data source needs one. */
export function seedOrganization(store: Store): void {
  createEnvironment(store, { display_name: "default" });
}

function createEnvironment(store: Store, body: Json): Json {
  const id = store.nextId("env-");
  const env: Json = {
    api_version: "org/v2",
    kind: "Environment",
    id,
    metadata: {
      self: `${store.baseUrl}/org/v2/environments/${id}`,
      created_at: store.now(),
      updated_at: store.now(),
      resource_name: store.environmentCrn(id),
    },
    display_name: body.display_name,
    ...(body.stream_governance_config
      ? { stream_governance_config: { package: body.stream_governance_config.package } }
      : {}),
  };
  store.environments.set(id, env);
  if (env.stream_governance_config) createSchemaRegistry(store, env);
  return env;
}

export function postEnvironment(req: Request): Answer {
  requireFields(req.body, ["display_name"]);
  return ok(createEnvironment(req.store, req.body), 201);
}

export function environment(store: Store, id: string): Json {
  const env = store.environments.get(id);
  if (!env) throw notFound(`Environment ${id}`);
  return env;
}

export const getEnvironment = (req: Request): Answer => ok(environment(req.store, req.params.id));

export const listEnvironments = (req: Request): Answer =>
  ok({ api_version: "org/v2", kind: "EnvironmentList", metadata: {}, data: [...req.store.environments.values()] });

export function patchEnvironment(req: Request): Answer {
  const env = environment(req.store, req.params.id);
  if (req.body.display_name) env.display_name = req.body.display_name;
  if (req.body.stream_governance_config)
    env.stream_governance_config = { package: req.body.stream_governance_config.package };
  return ok(env);
}

export function deleteEnvironment(req: Request): Answer {
  const env = environment(req.store, req.params.id);
  req.store.environments.delete(env.id);
  for (const [id, sr] of req.store.schemaRegistries)
    if (sr.spec.environment.id === env.id) req.store.schemaRegistries.delete(id);
  return noContent();
}

function createSchemaRegistry(store: Store, env: Json): void {
  const id = store.nextId("lsrc-");
  store.schemaRegistries.set(id, {
    api_version: "srcm/v3",
    kind: "Cluster",
    id,
    metadata: {
      self: `${store.baseUrl}/srcm/v3/clusters/${id}`,
      created_at: store.now(),
      updated_at: store.now(),
      resource_name: `${store.environmentCrn(env.id)}/schema-registry=${id}`,
    },
    spec: {
      display_name: "Stream Governance Package",
      environment: {
        api_version: "org/v2",
        id: env.id,
        kind: "Environment",
        related: env.metadata.self,
        resource_name: env.metadata.resource_name,
      },
      // Subjects live under this prefix on the double's one port (schema-registry.ts).
      http_endpoint: `${store.baseUrl}/schema-registry/${id}`,
      private_http_endpoint: "",
      private_networking_config: {},
      catalog_http_endpoint: `${store.baseUrl}/catalog/${id}`,
      package: env.stream_governance_config.package,
      region: "eu-west-1",
      cloud: "AWS",
    },
    status: { phase: "PROVISIONED" },
    // The cluster wait (utils_wait.go schemaRegistryClusterProvisionStatus) sees it provisioning once.
    readsUntilReady: 1,
  });
}

export function registriesOf(store: Store, envId: string): (Json & { readsUntilReady: number })[] {
  return [...store.schemaRegistries.values()].filter((c) => c.spec.environment.id === envId);
}

export function listSchemaRegistries(req: Request): Answer {
  const envId = req.query.get("environment") ?? "";
  environment(req.store, envId);
  const data = registriesOf(req.store, envId).map((c) => withPhase(c));
  return ok({
    api_version: "srcm/v3",
    kind: "ClusterList",
    metadata: { first: `${req.store.baseUrl}/srcm/v3/clusters`, total_size: data.length },
    data,
  });
}

export function getSchemaRegistry(req: Request): Answer {
  const cluster = req.store.schemaRegistries.get(req.params.id);
  if (!cluster || cluster.spec.environment.id !== req.query.get("environment"))
    throw notFound(`Schema Registry cluster ${req.params.id}`);
  return ok(withPhase(cluster));
}

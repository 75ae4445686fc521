/**
 * fcpm/v2 Flink regions (the confluent_flink_region data source) and compute pools (confluent_flink_compute_pool).
 * A region's http_endpoint is this double (Flink SQL statements, flink-statements.ts). Pools are created
 * PROVISIONING and PROVISIONED after one read (utils_wait.go computePoolProvisionStatus).
 * Shapes: testdata/flink_region/read_regions.json, compute_pool/*.json.
 */
import { notFound, requireFields } from "./errors";
import { type Answer, noContent, ok, type Request } from "./http";
import { environment } from "./org";
import { type Json, type Store, withPhase } from "./store";

/** Regions offered (AWS ones; ids as Confluent names them, `<cloud>.<region>`). */
const REGIONS = [
  { cloud: "AWS", region_name: "eu-west-1", display_name: "Ireland (eu-west-1)" },
  { cloud: "AWS", region_name: "us-east-1", display_name: "N. Virginia (us-east-1)" },
];

function regionJson(store: Store, r: (typeof REGIONS)[number]): Json {
  return {
    api_version: "fcpm/v2",
    kind: "Region",
    id: `${r.cloud.toLowerCase()}.${r.region_name}`,
    metadata: { self: "" },
    cloud: r.cloud,
    region_name: r.region_name,
    display_name: r.display_name,
    http_endpoint: store.baseUrl,
    private_http_endpoint: "",
  };
}

export function regionById(store: Store, id: string): Json | undefined {
  const r = REGIONS.find((x) => `${x.cloud.toLowerCase()}.${x.region_name}` === id);
  return r && regionJson(store, r);
}

export function listRegions(req: Request): Answer {
  const cloud = req.query.get("cloud");
  const name = req.query.get("region_name");
  const data = REGIONS.filter((r) => (!cloud || r.cloud === cloud) && (!name || r.region_name === name)).map((r) =>
    regionJson(req.store, r),
  );
  return ok({
    api_version: "fcpm/v2",
    kind: "RegionList",
    metadata: { first: "", next: "", total_size: data.length },
    data,
  });
}

export function computePool(store: Store, id: string, envId: string | null): Json & { readsUntilReady: number } {
  const pool = store.computePools.get(id);
  if (!pool || (envId !== null && pool.spec.environment.id !== envId)) throw notFound(`Compute pool ${id}`);
  return pool;
}

export function postComputePool(req: Request): Answer {
  requireFields(req.body, ["spec.display_name", "spec.cloud", "spec.region", "spec.environment.id"]);
  const spec = req.body.spec;
  const env = environment(req.store, spec.environment.id);
  const id = req.store.nextId("lfcp-");
  const pool = {
    api_version: "fcpm/v2",
    id,
    kind: "ComputePool",
    metadata: {
      created_at: req.store.now(),
      resource_name: `${env.metadata.resource_name}/flink-region=${spec.cloud.toLowerCase()}.${spec.region}/compute-pool=${id}`,
      self: `${req.store.baseUrl}/fcpm/v2/compute-pools/${id}`,
      updated_at: req.store.now(),
    },
    spec: {
      cloud: spec.cloud,
      config: { kind: "Standard" },
      display_name: spec.display_name,
      environment: { id: env.id, related: env.metadata.self, resource_name: env.metadata.resource_name },
      http_endpoint: `${req.store.baseUrl}/sql/v1/environments/${env.id}`,
      // Confluent's default is 5 CFU when max_cfu is not given (resource docs: max_cfu).
      max_cfu: spec.max_cfu || 5,
      default_pool: spec.default_pool ?? false,
      region: spec.region,
    },
    status: { current_cfu: 0, phase: "PROVISIONED" },
    readsUntilReady: 1,
  };
  req.store.computePools.set(id, pool);
  return ok(withPhase(pool, "PROVISIONING"), 201);
}

export function getComputePool(req: Request): Answer {
  const pool = computePool(req.store, req.params.id, req.query.get("environment"));
  return ok(withPhase(pool));
}

export function patchComputePool(req: Request): Answer {
  const pool = computePool(req.store, req.params.id, req.body?.spec?.environment?.id ?? null);
  const spec = req.body.spec ?? {};
  if (spec.display_name) pool.spec.display_name = spec.display_name;
  if (spec.max_cfu) pool.spec.max_cfu = spec.max_cfu;
  return ok(withPhase(pool, "PROVISIONED"));
}

export function deleteComputePool(req: Request): Answer {
  const pool = computePool(req.store, req.params.id, req.query.get("environment"));
  req.store.computePools.delete(pool.id);
  return noContent();
}

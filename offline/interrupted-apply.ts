/**
 * After a `terraform apply` that died (SIGKILL, a CI runner gone): what is left to do before a re-run converges.
 * Terraform writes the local state as each resource completes, so a killed apply loses only the resources whose
 * create call had reached Confluent but whose answer never reached the state (docs/runbooks/interrupted-apply.md).
 * Those objects exist with no resource in the state: orphans. By type:
 * - a name Confluent keeps unique (Flink statement, connector, topic, service account) fails the re-run with 409
 *   or "already exists": import it;
 * - a schema already registered under its subject is answered with its id: the re-run adopts it by itself;
 * - an object Confluent does not name uniquely (API key, role binding, environment, cluster, compute pool) is
 *   created again by the re-run: the orphan stays, a duplicate; an API key is a live credential whose secret
 *   was only in the lost answer, so it cannot be imported: delete it.
 * The functions here are pure: the state (terraform show -json), the configuration and the inventory of what
 * exists come in, the steps come out.
 */
import type { Json } from "../lib/json";
import type { InventoryEntry } from "../local/confluent-api/inventory";

export type { InventoryEntry };

/** A resource of the state: `terraform show -json`'s values.root_module.resources, managed ones. */
export interface StateResource {
  address: string;
  type: string;
  id: string;
}

export function stateResources(shown: Json): StateResource[] {
  const resources: Json[] = shown.values?.root_module?.resources ?? [];
  return resources
    .filter((r) => r.mode === "managed")
    .map((r) => ({ address: r.address, type: r.type, id: String(r.values?.id ?? "") }));
}

/** The part of an id both sides agree on: a schema's state id ends in its schema id or `latest`. */
function comparable(type: string, id: string): string {
  return type === "confluent_schema" ? id.split("/").slice(0, 2).join("/") : id;
}

/** Objects that exist but are in no resource of the state; `baseline` ids (the organization's own) excepted. */
export function orphans(
  existing: readonly InventoryEntry[],
  state: readonly StateResource[],
  baseline: ReadonlySet<string> = new Set(),
): InventoryEntry[] {
  const known = new Set(state.map((r) => `${r.type} ${comparable(r.type, r.id)}`));
  return existing.filter((e) => !baseline.has(e.id) && !known.has(`${e.type} ${comparable(e.type, e.id)}`));
}

/** `${address.attribute}` references in a configuration string replaced from the state; undefined if one is not there. */
export function interpolated(text: string, values: Map<string, Json>): string | undefined {
  let missing = false;
  const out = text.replace(/\$\{([a-z_.]+[^}]*?)\.([a-z_]+)\}/g, (_, address: string, attribute: string) => {
    const v = values.get(address)?.[attribute];
    if (typeof v !== "string") missing = true;
    return String(v);
  });
  return missing ? undefined : out;
}

/** The natural key (InventoryEntry.key) of a configured resource, from its block; undefined if not resolvable yet. */
export function configuredKey(type: string, block: Json, values: Map<string, Json>): string | undefined {
  const r = (text: string | undefined) => (text === undefined ? undefined : interpolated(text, values));
  const joined = (...parts: (string | undefined)[]) =>
    parts.every((p) => p !== undefined) ? parts.join("/") : undefined;
  switch (type) {
    case "confluent_role_binding": {
      const [principal, role, crn] = [r(block.principal), r(block.role_name), r(block.crn_pattern)];
      return principal && role && crn ? `${principal}|${role}|${crn}` : undefined;
    }
    case "confluent_kafka_topic":
      return joined(r(block.kafka_cluster?.id), block.topic_name);
    case "confluent_connector":
      return joined(r(block.environment?.id), r(block.kafka_cluster?.id), block.config_nonsensitive?.name);
    case "confluent_schema":
      return joined(r(block.schema_registry_cluster?.id), block.subject_name);
    case "confluent_flink_statement":
      return joined(r(block.environment?.id), block.statement_name);
    default:
      return r(block.display_name);
  }
}

export type RecoveryStep =
  | { kind: "import"; address: string; orphan: InventoryEntry; importId: string }
  | { kind: "delete"; orphan: InventoryEntry; reason: string }
  /** Not decidable yet: a configured resource of its type refers to objects the state does not hold. */
  | { kind: "undecided"; orphan: InventoryEntry; reason: string };

/** What `terraform import` takes for an orphan of this type (the provider's documented import ids). */
export function importId(orphan: InventoryEntry): string {
  switch (orphan.type) {
    case "confluent_connector":
      return orphan.key; // <environment>/<cluster>/<name>
    case "confluent_flink_statement":
      return orphan.key.split("/").slice(1).join("/"); // the statement name, with IMPORT_FLINK_* set
    default:
      return orphan.id;
  }
}

/** Types an orphan of which cannot be adopted: the secret was only in the create call's lost answer. */
const NOT_IMPORTABLE: Record<string, string> = {
  confluent_api_key: "an API key's secret was only in the lost answer (import needs API_KEY_SECRET)",
};

/**
 * Per orphan: import it to the configured resource it is (same type and key, not in the state yet), or delete it
 * (the state holds that resource already, the configuration has no such resource, or it cannot be imported). An
 * orphan no key matches while a configured resource of its type has no key yet (it refers to an environment or a
 * cluster the state lacks) is undecided, not deleted: it may be that resource; import what it refers to first.
 * `config`: the stack's JSON (resource → type → name → block); `values`: the state's values by address.
 */
export function recoverySteps(
  found: readonly InventoryEntry[],
  config: Json,
  state: readonly StateResource[],
  values: Map<string, Json>,
): RecoveryStep[] {
  const inState = new Set(state.map((r) => r.address));
  const taken = new Set<string>();
  return found.map((orphan): RecoveryStep => {
    const blocks: Record<string, Json> = config.resource?.[orphan.type] ?? {};
    const keyed = Object.entries(blocks).map(([name, block]) => ({
      address: `${orphan.type}.${name}`,
      key: configuredKey(orphan.type, block, values),
    }));
    const match = keyed.find(({ address, key }) => key === orphan.key && !taken.has(address));
    if (!match) {
      const unresolved = keyed.filter(({ key }) => key === undefined);
      if (unresolved.length)
        return {
          kind: "undecided",
          orphan,
          reason: `${unresolved.map(({ address }) => address).join(", ")} may be this object: it refers to objects the state does not hold yet; import those, then look again`,
        };
      return { kind: "delete", orphan, reason: "no resource of the configuration is this object" };
    }
    const { address } = match;
    if (inState.has(address))
      return { kind: "delete", orphan, reason: `a duplicate of ${address}, which the state holds` };
    if (NOT_IMPORTABLE[orphan.type])
      return { kind: "delete", orphan, reason: `${NOT_IMPORTABLE[orphan.type]}; the re-run creates ${address}` };
    taken.add(address);
    return { kind: "import", address, orphan, importId: importId(orphan) };
  });
}

/**
 * The environment variables the confluent provider reads on import of resources whose credentials are per resource
 * (resource_kafka_topic.go, resource_schema.go, resource_flink_statement.go: IMPORT_*), from the configured block
 * resolved against the state. Values, secrets included, go to terraform's environment only, never printed.
 */
export function importEnvironment(
  step: RecoveryStep & { kind: "import" },
  config: Json,
  values: Map<string, Json>,
): Record<string, string> {
  const block = config.resource[step.orphan.type][step.address.slice(step.orphan.type.length + 1)];
  const r = (text: string) => interpolated(text, values) ?? "";
  switch (step.orphan.type) {
    case "confluent_kafka_topic":
      return {
        IMPORT_KAFKA_API_KEY: r(block.credentials.key),
        IMPORT_KAFKA_API_SECRET: r(block.credentials.secret),
        IMPORT_KAFKA_REST_ENDPOINT: r(block.rest_endpoint),
      };
    case "confluent_schema":
      return {
        IMPORT_SCHEMA_REGISTRY_API_KEY: r(block.credentials.key),
        IMPORT_SCHEMA_REGISTRY_API_SECRET: r(block.credentials.secret),
        IMPORT_SCHEMA_REGISTRY_REST_ENDPOINT: r(block.rest_endpoint),
        IMPORT_SCHEMA_REGISTRY_ID: r(block.schema_registry_cluster.id),
      };
    case "confluent_flink_statement":
      return {
        IMPORT_CONFLUENT_ORGANIZATION_ID: r(block.organization.id),
        IMPORT_CONFLUENT_ENVIRONMENT_ID: r(block.environment.id),
        IMPORT_FLINK_COMPUTE_POOL_ID: r(block.compute_pool.id),
        IMPORT_FLINK_PRINCIPAL_ID: r(block.principal.id),
        IMPORT_FLINK_API_KEY: r(block.credentials.key),
        IMPORT_FLINK_API_SECRET: r(block.credentials.secret),
        IMPORT_FLINK_REST_ENDPOINT: r(block.rest_endpoint),
      };
    default:
      return {};
  }
}

/** The step as the runbook's operator runs it: environment names only (their values come from the state). */
export function stepLine(step: RecoveryStep, environmentNames: readonly string[] = []): string {
  if (step.kind === "delete") return `# delete ${step.orphan.type} ${step.orphan.id} (${step.reason})`;
  if (step.kind === "undecided") return `# not yet: ${step.orphan.type} ${step.orphan.id} (${step.reason})`;
  const env = environmentNames.length ? `${environmentNames.map((n) => `${n}=…`).join(" ")} ` : "";
  return `${env}terraform import '${step.address}' '${step.importId}'`;
}

/**
 * The lock ID in terraform's "Error acquiring the state lock" (its Lock Info block), for `terraform force-unlock`;
 * undefined when the output is not that error. A killed terraform leaves an S3 lock file (or DynamoDB item) held;
 * the local backend's lock is a POSIX lock the kernel releases with the process, and only its info file stays.
 */
export function heldLockId(output: string): string | undefined {
  if (!/Error acquiring the state lock/.test(output)) return undefined;
  return /^\s*ID:\s+(\S+)/m.exec(output)?.[1];
}

/** The ID in a lock info file (.terraform.tfstate.lock.info, or the S3 backend's .tflock object). */
export function lockId(lockInfo: string): string {
  const id = JSON.parse(lockInfo).ID;
  if (typeof id !== "string" || id === "") throw new Error("the lock file names no lock ID");
  return id;
}

/**
 * The listings that show duplicates a re-run converged past (an object Confluent does not name uniquely, created
 * by the killed apply and again by the re-run): per type, the `confluent` CLI listing and the ids the state keeps;
 * any other object of the stage's names in it is a duplicate to delete. From the state alone.
 */
export function duplicateChecks(state: readonly StateResource[], values: Map<string, Json>): string[] {
  const of = (type: string) => state.filter((r) => r.type === type);
  const ids = (rs: readonly StateResource[]) => rs.map((r) => r.id).join(", ");
  const lines: string[] = [];
  const environments = of("confluent_environment");
  lines.push(`confluent environment list   # keep ${ids(environments)}`);
  for (const env of environments) {
    const inEnv = (type: string) => of(type).filter((r) => values.get(r.address)?.environment?.[0]?.id === env.id);
    lines.push(
      `confluent kafka cluster list --environment ${env.id}   # keep ${ids(inEnv("confluent_kafka_cluster"))}`,
    );
    lines.push(
      `confluent flink compute-pool list --environment ${env.id}   # keep ${ids(inEnv("confluent_flink_compute_pool"))}`,
    );
  }
  const keysByOwner = new Map<string, string[]>();
  for (const key of of("confluent_api_key")) {
    const owner = values.get(key.address)?.owner?.[0]?.id ?? "?";
    keysByOwner.set(owner, [...(keysByOwner.get(owner) ?? []), key.id]);
  }
  for (const [owner, keys] of [...keysByOwner].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`confluent api-key list --service-account ${owner}   # keep ${keys.join(", ")}`);
  const bindingsByPrincipal = new Map<string, string[]>();
  for (const b of of("confluent_role_binding")) {
    const principal = values.get(b.address)?.principal ?? "?";
    bindingsByPrincipal.set(principal, [...(bindingsByPrincipal.get(principal) ?? []), b.id]);
  }
  for (const [principal, bindings] of [...bindingsByPrincipal].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(
      `confluent iam rbac role-binding list --principal ${principal}   # keep ${bindings.length}: ${bindings.join(", ")}`,
    );
  return lines;
}

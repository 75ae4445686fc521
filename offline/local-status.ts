/**
 * `cdc-routing status` against a stage deployed to the local Confluent (offline/local-deploy.ts): the status
 * targets from the deployed stack's own output, and read-only keys made for it through the double's API, as an
 * administrator makes them with a Cloud API key (the double takes any pair as one). Nothing is written: the keys live
 * in this process's memory and in the double. `npm run local:status` and the end of `npm run local:deploy` use it.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { filtersFile } from "../app/build-app";
import type { CommandIo } from "../lib/command-line";
import { InputError } from "../lib/errors";
import type { Json } from "../lib/json";
import { run } from "../lib/run";
import type { StageName } from "../stages/names";
import { stageConfig } from "../stages/stages";
import { runStatus } from "../status/command";
import { parseStatusTargets, type StatusTargets } from "../status/targets";

/** What `npm run local:deploy` records for `npm run local:status` (no credential: those are made per call). */
export interface LocalDeployRecord {
  readonly stage: StageName;
  /** The local Confluent Cloud API double. */
  readonly doubleUrl: string;
  /** The deployed stack's directory (cdktf.out/stacks/<stage>), with its local state. */
  readonly stackDir: string;
  /** The local broker (the double's clusters answer a made-up bootstrap endpoint). */
  readonly bootstrapServers: string;
}

/** The deployed stack's outputs (`terraform output -json`), by name. */
export async function stackOutputs(stackDir: string): Promise<Record<string, Json>> {
  const r = await run("terraform", ["output", "-json", "-no-color"], { cwd: stackDir });
  if (r.code !== 0)
    throw new InputError(`terraform output in ${stackDir} failed (is the local deploy still running?):\n${r.output}`);
  return JSON.parse(r.stdout) as Record<string, Json>;
}

export async function localStatusTargets(stackDir: string): Promise<StatusTargets> {
  const outputs = await stackOutputs(stackDir);
  return parseStatusTargets(JSON.stringify(outputs.status_targets?.value ?? {}), join(stackDir, "(status_targets)"));
}

async function post(doubleUrl: string, path: string, body: unknown): Promise<Json> {
  const admin = `${randomBytes(8).toString("hex")}:${randomBytes(16).toString("hex")}`;
  const response = await fetch(`${doubleUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Basic ${Buffer.from(admin).toString("base64")}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new InputError(`the local Confluent Cloud API at ${doubleUrl} answered ${response.status} to POST ${path}`);
  return (await response.json()) as Json;
}

/**
 * Read-only keys for the status of a locally deployed stage: a service account of its own with a Flink API key of
 * the stage's region and environment and a Schema Registry key of its registry, made through the double's IAM API.
 */
export async function localStatusCredentials(doubleUrl: string, targets: StatusTargets): Promise<NodeJS.ProcessEnv> {
  const { cloud, region } = stageConfig(targets.stage as StageName, {}).confluent;
  const account = await post(doubleUrl, "/iam/v2/service-accounts", {
    display_name: `cdc-routing-${targets.stage}-status-${randomBytes(4).toString("hex")}`,
  });
  const key = async (resource: Json) => {
    const k = await post(doubleUrl, "/iam/v2/api-keys", {
      spec: { display_name: account.display_name, owner: { id: account.id, kind: "ServiceAccount" }, resource },
    });
    return { key: String(k.id), secret: String(k.spec.secret) };
  };
  const flink = await key({
    id: `${cloud.toLowerCase()}.${region}`,
    kind: "Region",
    environment: targets.environment_id,
  });
  const registry = await key({ id: targets.schema_registry_endpoint.split("/").pop(), kind: "Cluster" });
  const cloudKey = { key: randomBytes(8).toString("hex"), secret: randomBytes(16).toString("hex") };
  return {
    CONFLUENT_CLOUD_API_KEY: cloudKey.key,
    CONFLUENT_CLOUD_API_SECRET: cloudKey.secret,
    CONFLUENT_FLINK_API_KEY: flink.key,
    CONFLUENT_FLINK_API_SECRET: flink.secret,
    SCHEMA_REGISTRY_API_KEY: registry.key,
    SCHEMA_REGISTRY_API_SECRET: registry.secret,
  };
}

/** The status table (or JSON) of a locally deployed stage; its exit code (0 healthy, 1 unhealthy). */
export async function localStatus(
  record: LocalDeployRecord,
  io: CommandIo,
  options: { json?: boolean; filters?: string } = {},
): Promise<number> {
  const targets = await localStatusTargets(record.stackDir);
  return runStatus(
    {
      stage: record.stage,
      targets,
      filters: options.filters ?? filtersFile(),
      json: options.json ?? false,
      timeoutMs: 20_000,
      bootstrapServers: record.bootstrapServers,
      env: await localStatusCredentials(record.doubleUrl, targets),
    },
    io,
  );
}

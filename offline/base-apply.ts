/**
 * The offline plan's base applied to a double that starts empty. A base whose lock keeps stopped statements adopts
 * them with import blocks (constructs/flink-statements.ts): on the deployed stage they exist, stopped, and the
 * import is a no-op; on an empty double it would fail. So such a base goes on in four applies:
 *  1. everything but the Flink statements, without the import blocks;
 *  2. (no apply) the kept statements seeded into the double, stopped, with the ids step 1 created;
 *  3. per API key they ran with, their import blocks, with the provider's import settings (IMPORT_FLINK_* and
 *     IMPORT_CONFLUENT_*, as for any import of a statement) taken from the state;
 *  4. the whole base: the running statements, which carry offsets over from the kept ones.
 * The state then holds what the deployed stage's state holds.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { InputError } from "../lib/errors";
import type { Json } from "../lib/json";
import { seedStoppedStatement } from "../local/confluent-api/flink-statements";
import type { Store } from "../local/confluent-api/store";
import { terraformErrors } from "../providers/mirror";
import type { TerraformRuns } from "./terraform-runs";

const STATEMENT = "confluent_flink_statement";

/** Attribute values by address (`type.name`, `data.type.name`) from `terraform show -json` of a state. */
export function stateValues(shown: Json): Map<string, Json> {
  const resources: Json[] = shown.values?.root_module?.resources ?? [];
  return new Map(resources.map((r) => [r.address, r.values]));
}

/** A configuration value: a `${<address>.<attribute>}` reference looked up in the state, or the literal. */
export function resolved(value: string, values: Map<string, Json>): string {
  const m = /^\$\{(.+)\.([a-z_]+)\}$/.exec(value);
  if (!m) return value;
  const found = values.get(m[1])?.[m[2]];
  if (typeof found !== "string") throw new Error(`base apply: ${value} is not in the state`);
  return found;
}

export interface BaseApply {
  stackDir: string;
  stackFile: string;
  env: NodeJS.ProcessEnv;
  terraform: TerraformRuns;
  /** The double's store, when this process runs the double. */
  store?: Store;
  say: (text: string) => void;
}

async function apply(b: BaseApply, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const flags = ["-input=false", "-no-color", "-lock=false", "-auto-approve"];
  const r = await b.terraform.run(["apply", ...flags, ...args], b.stackDir, { ...b.env, ...env }, (text) =>
    b.say(text.length > 200 ? `${text.slice(0, 200)}…` : text),
  );
  if (r.code !== 0)
    throw new InputError(
      `the base's stack did not apply on the double (exit ${r.code}):\n${terraformErrors(r.output)}\nplan from empty with --from-empty, or name another base with --base`,
    );
}

export async function applyBaseStack(b: BaseApply): Promise<void> {
  const config = JSON.parse(readFileSync(b.stackFile, "utf8"));
  const imports: Array<{ id: string; to: string }> = config.import ?? [];
  if (imports.length === 0) return apply(b, []);
  if (!b.store)
    throw new InputError(
      `the base keeps ${imports.length} stopped statement(s), adopted by import: applying it needs the double this plan starts (unset CDC_ROUTING_CONFLUENT_ENDPOINT), or plan from empty with --from-empty`,
    );
  const { import: _, ...withoutImports } = config;
  const write = (c: Json) => writeFileSync(b.stackFile, JSON.stringify(c, null, 2));
  b.say(
    `the base keeps ${imports.length} stopped statement(s): applying the rest first, then seeding them stopped into the double and adopting them by import`,
  );
  write(withoutImports);
  const others = Object.entries(config.resource as Record<string, Json>)
    .filter(([type]) => type !== STATEMENT)
    .flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `-target=${type}.${name}`));
  await apply(b, others);

  const shown = await b.terraform.run(["show", "-json", "-no-color"], b.stackDir, b.env, () => undefined);
  const values = stateValues(JSON.parse(shown.stdout));
  const kept = imports.map(({ id, to }) => ({
    id,
    to,
    block: config.resource[STATEMENT][to.slice(STATEMENT.length + 1)],
  }));
  const byKey = new Map<string, typeof kept>();
  for (const k of kept) {
    const r = (value: string) => resolved(value, values);
    seedStoppedStatement(b.store, r(k.block.environment.id), k.block.statement_name, {
      statement: k.block.statement,
      compute_pool_id: r(k.block.compute_pool.id),
      principal: r(k.block.principal.id),
      properties: Object.fromEntries(Object.entries<string>(k.block.properties ?? {}).map(([p, v]) => [p, r(v)])),
    });
    byKey.set(k.block.credentials.key, [...(byKey.get(k.block.credentials.key) ?? []), k]);
  }
  // One API key per import (the provider reads it from IMPORT_FLINK_API_KEY): the statements of each key together.
  for (const group of byKey.values()) {
    const r = (value: string) => resolved(value, values);
    const first = group[0].block;
    write({ ...withoutImports, import: group.map(({ id, to }) => ({ id, to })) });
    await apply(
      b,
      group.map((k) => `-target=${k.to}`),
      {
        IMPORT_CONFLUENT_ORGANIZATION_ID: r(first.organization.id),
        IMPORT_CONFLUENT_ENVIRONMENT_ID: r(first.environment.id),
        IMPORT_FLINK_COMPUTE_POOL_ID: r(first.compute_pool.id),
        IMPORT_FLINK_PRINCIPAL_ID: r(first.principal.id),
        IMPORT_FLINK_API_KEY: r(first.credentials.key),
        IMPORT_FLINK_API_SECRET: r(first.credentials.secret),
        IMPORT_FLINK_REST_ENDPOINT: r(first.rest_endpoint),
      },
    );
  }
  write(config);
  await apply(b, []);
}

/**
 * Turns a synthesized stack (cdk.tf.json) into the configuration that applies against the local double:
 * - the confluent provider's `endpoint` points at the double (Kafka REST, Schema Registry and Flink endpoints
 *   then come from the double's answers, as they come from Confluent's);
 * - aws_* resources are left out (no aws provider binary can be built here) and so are postgresql_* ones (the
 *   database side is applied against real PostgreSQL elsewhere), with every depends_on that named them;
 * - the S3 backend is dropped: state stays in the run's own directory.
 * Everything else is the synthesized JSON unchanged.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Json } from "../lib/json";

/**
 * Set by `npm run local:deploy` for `npx cdktf deploy`: main.ts then synthesizes every stage for the local
 * Confluent Cloud API at this URL (local state, endpoint, aws_* and postgresql_* left out).
 */
export const LOCAL_CONFLUENT_ENV = "CDC_ROUTING_LOCAL_CONFLUENT";

const LEFT_OUT = /^(aws|postgresql)_/;

function keptSection(section: Json | undefined): Json | undefined {
  if (!section) return undefined;
  const kept = Object.fromEntries(Object.entries(section).filter(([type]) => !LEFT_OUT.test(type)));
  return Object.keys(kept).length ? kept : undefined;
}

/** depends_on entries naming a left-out resource are dropped; the rest of each block is kept as is. */
function withoutLeftOutDependencies(section: Json | undefined): Json | undefined {
  if (!section) return undefined;
  return Object.fromEntries(
    Object.entries(section).map(([type, blocks]) => [
      type,
      Object.fromEntries(
        Object.entries(blocks as Json).map(([name, block]) => {
          const deps = (block as Json).depends_on as string[] | undefined;
          return [
            name,
            deps
              ? { ...(block as Json), depends_on: deps.filter((d) => !LEFT_OUT.test(d.replace(/^data\./, ""))) }
              : block,
          ];
        }),
      ),
    ]),
  );
}

export function configForDouble(synth: Json, endpoint: string): Json {
  const { backend: _backend, required_providers, ...terraform } = synth.terraform ?? {};
  return {
    ...synth,
    terraform: { ...terraform, required_providers: { confluent: required_providers.confluent } },
    provider: { confluent: synth.provider.confluent.map((p: Json) => ({ ...p, endpoint })) },
    resource: withoutLeftOutDependencies(keptSection(synth.resource)),
    data: withoutLeftOutDependencies(keptSection(synth.data)),
    output: synth.output,
  };
}

/** Rewrites a synthesized stack file in place for the double at endpoint. */
export function rewriteStackForDouble(stackFile: string, endpoint: string): void {
  writeFileSync(
    stackFile,
    JSON.stringify(configForDouble(JSON.parse(readFileSync(stackFile, "utf8")), endpoint), null, 2),
  );
}

/** The stack's sensitive variables: against the double they get throwaway values (it accepts any Cloud API key). */
export const SENSITIVE_VARIABLES = [
  "confluent_cloud_api_key",
  "confluent_cloud_api_secret",
  "source_db_admin_username",
  "source_db_admin_password",
  "source_db_replication_password",
];

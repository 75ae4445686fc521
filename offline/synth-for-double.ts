/**
 * Stages synthesized for the local Confluent Cloud API double: local state, the confluent provider's `endpoint`
 * (its documented base URL of the Confluent Cloud API, default https://api.confluent.cloud) pointed at the
 * double, aws_* and postgresql_* resources left out (no AWS; the database side is the local PostgreSQL's;
 * offline/stack-for-double.ts). Shared by main.ts (under CDC_ROUTING_LOCAL_CONFLUENT), the offline plan and
 * `npm run local:deploy`.
 *   node bin/run.js offline/synth-for-double.ts <stage> <outdir> <endpoint>   (filters and lock from CDC_ROUTING_FILTERS
 *   and CDC_ROUTING_LOCK)
 */
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../app/build-app";
import { keepOnlySynthesizedStacks } from "../app/synth-output";
import { oneOf, parseCommandLine, runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { STAGE_NAMES, type StageName } from "../stages/names";
import { stageConfig } from "../stages/stages";
import { rewriteStackForDouble } from "./stack-for-double";

/** Synthesizes `stages` into app's outdir, each stack rewritten for the double at endpoint. */
export function synthesizeForDouble(stages: readonly StageName[], app: App, endpoint: string): void {
  buildApp(stages, app, {
    stageOf: (name) => ({ ...stageConfig(name, {}), backend: { kind: "local" } }),
    offline: { confluentApiEndpoint: endpoint },
  });
  app.synth();
  keepOnlySynthesizedStacks(app.outdir, [...stages]);
  for (const stage of stages) rewriteStackForDouble(join(app.outdir, "stacks", stage, "cdk.tf.json"), endpoint);
}

/** Synthesizes `stage` into outdir and returns the path of its cdk.tf.json, rewritten for the double. */
export function synthForDouble(stage: StageName, outdir: string, endpoint: string): string {
  synthesizeForDouble([stage], new App({ outdir }), endpoint);
  return join(outdir, "stacks", stage, "cdk.tf.json");
}

const USAGE = `usage: node bin/run.js offline/synth-for-double.ts <stage> <outdir> <endpoint>

Synthesizes one stage for the local Confluent Cloud API double at <endpoint> into <outdir> and prints the path of
its cdk.tf.json (filters and lock from CDC_ROUTING_FILTERS and CDC_ROUTING_LOCK).`;

if (require.main === module) {
  void runScript(USAGE, (args) => {
    const { positionals } = parseCommandLine(args, {}, 3);
    if (positionals.length < 3) throw new UsageError("name a stage, an output directory and the double's endpoint");
    const [stage, outdir, endpoint] = positionals;
    process.stdout.write(`${synthForDouble(oneOf("stage", stage, STAGE_NAMES), outdir, endpoint)}\n`);
  });
}

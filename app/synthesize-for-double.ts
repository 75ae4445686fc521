/**
 * The stages for a local Confluent Cloud API double at endpoint: local state, the confluent provider's `endpoint`
 * pointed there, aws_* and postgresql_* resources left out (local/confluent-api/terraform-config.ts).
 */
import { join } from "node:path";
import type { App } from "cdktf";
import { rewriteStackForDouble } from "../local/confluent-api/terraform-config";
import type { StageName } from "../stages/names";
import { stageConfig } from "../stages/stages";
import { buildApp } from "./build-app";
import { keepOnlySynthesizedStacks } from "./synth-output";

export function synthesizeForDouble(stages: readonly StageName[], app: App, endpoint: string): void {
  buildApp(stages, app, { stageOf: (name) => ({ ...stageConfig(name, {}), backend: { kind: "local" } }), offline: { confluentApiEndpoint: endpoint } });
  app.synth();
  keepOnlySynthesizedStacks(app.outdir, [...stages]);
  for (const stage of stages) rewriteStackForDouble(join(app.outdir, "stacks", stage, "cdk.tf.json"), endpoint);
}

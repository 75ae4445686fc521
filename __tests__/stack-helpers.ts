import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { RoutingStageStack } from "../constructs/routing-stage-stack";
import { loadFilters } from "../filters/load";
import { readLock } from "../flink-sql/lock-file";
import { buildApp } from "../main";
import { parseStageConfig } from "../stages/config";
import { stageConfig } from "../stages/stages";
import type { StageName } from "../stages/names";
import { temporaryDirectory } from "./helpers";

/** Testing.app() leaves a temp dir behind per call; this one is removed after the test file. */
export function testingApp(): ReturnType<typeof Testing.app> {
  return Testing.app({ outdir: temporaryDirectory("app") });
}

/** Synthesized Terraform JSON of one stage, as `cdktf synth` writes it. */
export function synthStage(stage: StageName): Record<string, any> {
  const app = testingApp();
  buildApp([stage], app);
  const stack = app.node.findChild(stage) as Parameters<typeof Testing.synth>[0];
  return JSON.parse(Testing.synth(stack));
}

/**
 * dev on a Basic cluster, with the explicit Flink opt-in (stages/config.ts): no shipped stage is Basic, but the
 * ACL rendering must stay correct for a stage that chooses it.
 */
export function synthBasicStage(): Record<string, any> {
  const dev = stageConfig("dev");
  const stage = parseStageConfig({ ...dev, kafka: { type: "basic", availability: "SINGLE_ZONE", flinkAccessOnBasic: "CloudClusterAdmin" } });
  const stack = new RoutingStageStack(testingApp(), { stage, filters: loadFilters("filters/filters.yaml"), lock: readLock()[dev.name] });
  return JSON.parse(Testing.synth(stack));
}

export function confluentSchema() {
  const doc = JSON.parse(readFileSync("providers/confluent.schema.json", "utf8"));
  return doc.provider_schemas["registry.terraform.io/confluentinc/confluent"];
}

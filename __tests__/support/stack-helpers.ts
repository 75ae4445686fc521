import { readFileSync } from "node:fs";
import { type App, type TerraformStack, Testing } from "cdktf";
import { buildApp } from "../../app/build-app";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { readLock } from "../../lock/lock-file";
import { parseStageConfig } from "../../stages/config";
import type { StageName } from "../../stages/names";
import { stageConfig } from "../../stages/stages";
import { temporaryDirectory } from "./helpers";

/** Testing.app() leaves a temp dir behind per call; this one is removed after the test file. */
export function testingApp(): ReturnType<typeof Testing.app> {
  return Testing.app({ outdir: temporaryDirectory("app") });
}

/**
 * Runs fn with stack traces formatted as V8 does without source maps. cdktf captures a full stack trace for every
 * token it creates, and in the test worker each frame went through source maps: most of a synth's time (measured
 * here: 1.6 ms a capture mapped, 0.01 ms plain; main.ts turns source maps off for the same reason). An assertion
 * failing inside fn still has a stack, only with positions in the compiled code.
 */
function withPlainStackTraces<T>(fn: () => T): T {
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, callSites) =>
    [String(error), ...callSites.map((site) => `    at ${site}`)].join("\n");
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = prepare;
  }
}

/** Synthesized Terraform JSON of the stack that build adds to a fresh test app. */
export function synthStack(build: (app: App) => TerraformStack): Record<string, any> {
  return withPlainStackTraces(() => JSON.parse(Testing.synth(build(testingApp()))));
}

/**
 * The date the stage snapshots are taken on. Synth leaves out stopped statements past Confluent's retention, so
 * with the real date a snapshot holding a stopped statement would change 29 days after the lock recorded it.
 */
export const SNAPSHOT_DATE = "2026-11-26";

/** Synthesized Terraform JSON of one stage, as `cdktf synth` writes it (on SNAPSHOT_DATE). */
export function synthStage(stage: StageName): Record<string, any> {
  return synthStack((app) => buildApp([stage], app, { today: SNAPSHOT_DATE }).node.findChild(stage) as TerraformStack);
}

/**
 * dev on a Basic cluster, with the explicit Flink opt-in (stages/config.ts): no shipped stage is Basic, but the
 * ACL rendering must stay correct for a stage that chooses it.
 */
export function synthBasicStage(): Record<string, any> {
  const dev = stageConfig("dev");
  const stage = parseStageConfig({
    ...dev,
    kafka: { type: "basic", availability: "SINGLE_ZONE", flinkAccessOnBasic: "CloudClusterAdmin" },
  });
  return synthStack(
    (app) =>
      new RoutingStageStack(app, {
        stage,
        filters: loadFilters("filters/filters.yaml"),
        lock: readLock()[dev.name],
        today: SNAPSHOT_DATE,
      }),
  );
}

export function confluentSchema() {
  const doc = JSON.parse(readFileSync("providers/confluent.schema.json", "utf8"));
  return doc.provider_schemas["registry.terraform.io/confluentinc/confluent"];
}

/**
 * A stage's configuration without its aws provider and resources, for the real Terraform CLI here: the aws
 * provider is far too large to build on these machines (its bindings are prebuilt). No backend: local state.
 */
export function withoutAws(synth: Record<string, any>): Record<string, any> {
  const isAws = ([type]: [string, unknown]) => type === "aws" || type.startsWith("aws_");
  const keep = (section: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries(section).filter((e) => !isAws(e)));
  return {
    terraform: { required_providers: keep(synth.terraform.required_providers) },
    provider: keep(synth.provider),
    variable: synth.variable,
    resource: keep(synth.resource),
    data: keep(synth.data),
  };
}

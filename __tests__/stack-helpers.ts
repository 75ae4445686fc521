import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { buildApp } from "../main";
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
  const keep = (section: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(section).filter((e) => !isAws(e)));
  return {
    terraform: { required_providers: keep(synth.terraform.required_providers) },
    provider: keep(synth.provider),
    variable: synth.variable,
    resource: keep(synth.resource),
    data: keep(synth.data),
  };
}

import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { buildApp } from "../main";
import type { StageName } from "../stages/names";

/** Synthesized Terraform JSON of one stage, as `cdktf synth` writes it. */
export function synthStage(stage: StageName): Record<string, any> {
  const app = Testing.app();
  buildApp([stage], app);
  const stack = app.node.findChild(stage) as Parameters<typeof Testing.synth>[0];
  return JSON.parse(Testing.synth(stack));
}

export function confluentSchema() {
  const doc = JSON.parse(readFileSync("providers/confluent.schema.json", "utf8"));
  return doc.provider_schemas["registry.terraform.io/confluentinc/confluent"];
}

import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { buildApp } from "../main";
import type { StageName } from "../stages/names";
import { temporaryDirectory } from "./helpers";

/** Testing.app() leaves a temp dir behind per call; this one is removed after the test file. */
export function testingApp(): ReturnType<typeof Testing.app> {
  return Testing.app({ outdir: temporaryDirectory("app") });
}

/**
 * Runs fn with V8's plain stack formatting. cdktf captures a full stack trace for every token it creates, and
 * jest formats each through source maps: most of a synth's time in the tests went there (see NOTES.md, "Where
 * synth time goes"). An assertion failing inside fn still has a stack, only unmapped.
 */
function withPlainStackTraces<T>(fn: () => T): T {
  const prepare = Error.prepareStackTrace;
  (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = prepare;
  }
}

/** Synthesized Terraform JSON of one stage, as `cdktf synth` writes it. */
export function synthStage(stage: StageName): Record<string, any> {
  return withPlainStackTraces(() => {
    const app = testingApp();
    buildApp([stage], app);
    const stack = app.node.findChild(stage) as Parameters<typeof Testing.synth>[0];
    return JSON.parse(Testing.synth(stack));
  });
}

export function confluentSchema() {
  const doc = JSON.parse(readFileSync("providers/confluent.schema.json", "utf8"));
  return doc.provider_schemas["registry.terraform.io/confluentinc/confluent"];
}

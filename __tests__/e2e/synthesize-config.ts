/**
 * A stage's synthesized JSON built in the test's own process, apart from stack-on-double.ts so that the suites
 * which do not synthesize in-process do not load cdktf and the constructs (0.7 CPU s per test file).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../../filters/load";
import { readLock, type StageLock } from "../../lock/lock-file";
import type { StageConfig } from "../../stages/config";

/**
 * One stage's JSON for a stage config given in code (no command-line switch sets e.g. a key generation or
 * deployedBefore), built in this process by the same RoutingStageStack `node bin/run.js main.ts` builds.
 */
export function synthesizeConfig(
  stage: StageConfig,
  outdir: string,
  lock: StageLock | undefined = readLock()[stage.name],
): Record<string, any> {
  const app = new App({ outdir });
  new RoutingStageStack(app, { stage, filters: loadFilters(DEFAULT_FILTERS_FILE), lock });
  app.synth();
  return JSON.parse(readFileSync(join(outdir, "stacks", stage.name, "cdk.tf.json"), "utf8"));
}

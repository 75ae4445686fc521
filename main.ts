/**
 * The cdktf app: reads stage config and filters.yaml, one stack per stage (stack name = stage name).
 *   npx tsx main.ts            synthesizes the default stage (dev)
 *   npx tsx main.ts prod       a named stage;  --all: every stage (what `cdktf deploy <stage>` runs)
 */
import { join } from "node:path";
import { App } from "cdktf";
import { oneOf, parseCommandLine, runCommandSync, UsageError } from "./cli/command-line";
import { keepOnlySynthesizedStacks } from "./cli/synth-output";
import { skipTokenStackTraces } from "./cli/token-stack-traces";
import { FilterValidationError, loadFilters } from "./filters/load";
import { RoutingStageStack, type RoutingStageStackProps } from "./constructs/routing-stage-stack";
import { EvolutionError } from "./flink-sql/evolution";
import { readLock } from "./flink-sql/lock-file";
import { LOCAL_CONFLUENT_ENV, rewriteStackForDouble } from "./local/confluent-api/terraform-config";
import { DEFAULT_STAGE, STAGE_NAMES, type StageName } from "./stages/names";
import type { StageConfig } from "./stages/config";
import { stageConfig } from "./stages/stages";

export const FILTERS_FILE = process.env.CDC_ROUTING_FILTERS ?? "filters/filters.yaml";

export const USAGE = `usage: npx tsx main.ts [${STAGE_NAMES.join("|")} ...] [--all]     (npm run synth, npm run synth:all)

Synthesizes one Terraform stack per stage into cdktf.out/stacks/<stage> (or $CDKTF_OUTDIR); cdktf.out then holds
exactly these stacks. No stage: ${DEFAULT_STAGE}. --all: ${STAGE_NAMES.join(", ")} (what \`npx cdktf synth|plan|deploy <stage>\` runs).
Environment: CDC_ROUTING_FILTERS (default filters/filters.yaml), CDC_ROUTING_LOCK, CDC_ROUTING_STATE_* (README: Stages),
CDC_ROUTING_NOW (the date, YYYY-MM-DD, that decides which stopped statements Confluent has deleted; default today),
CDC_ROUTING_TOKEN_TRACES=1 (keep cdktf's token creation traces, for a token that fails to resolve; slower).`;

/** Stages named on the command line; a usage error for an unknown stage or option. */
export function selectStages(args: string[]): StageName[] {
  const { values, positionals } = parseCommandLine(args, { all: { type: "boolean" } }, STAGE_NAMES.length);
  const named = positionals.map((n) => oneOf("stage", n, STAGE_NAMES));
  if (values.all && named.length > 0) throw new UsageError("--all synthesizes every stage; name stages or use --all, not both");
  if (values.all) return [...STAGE_NAMES];
  return named.length ? [...new Set(named)] : [DEFAULT_STAGE];
}

export interface BuildOptions {
  /** The stage's values; default stages/stages.ts with the environment's backend overrides. */
  stageOf?: (name: StageName) => StageConfig;
  offline?: RoutingStageStackProps["offline"];
  /** The date deciding which stopped statements Confluent has deleted; default CDC_ROUTING_NOW, else today. */
  today?: string;
}

/** Builds the app for the given stages; shared by main, the offline plan and the tests. */
export function buildApp(stages: readonly StageName[], app = new App(), options: BuildOptions = {}): App {
  const filters = loadFilters(FILTERS_FILE, { stages: STAGE_NAMES });
  const lock = readLock();
  const stageOf = options.stageOf ?? ((name: StageName) => stageConfig(name));
  for (const name of stages) new RoutingStageStack(app, { stage: stageOf(name), filters, lock: lock[name], offline: options.offline, today: options.today });
  return app;
}

/**
 * The stages for a local Confluent Cloud API double at endpoint: local state, the confluent provider's `endpoint`
 * pointed there, aws_* and postgresql_* resources left out (local/confluent-api/terraform-config.ts).
 */
export function synthesizeForDouble(stages: readonly StageName[], app: App, endpoint: string): void {
  buildApp(stages, app, { stageOf: (name) => ({ ...stageConfig(name, {}), backend: { kind: "local" } }), offline: { confluentApiEndpoint: endpoint } });
  app.synth();
  keepOnlySynthesizedStacks(app.outdir, [...stages]);
  for (const stage of stages) rewriteStackForDouble(join(app.outdir, "stacks", stage, "cdk.tf.json"), endpoint);
}

function synthesize(stages: StageName[]): number {
  const started = Date.now();
  const local = process.env[LOCAL_CONFLUENT_ENV];
  const app = local ? new App() : buildApp(stages);
  if (local) synthesizeForDouble(stages, app, local);
  else {
    app.synth();
    keepOnlySynthesizedStacks(app.outdir, stages);
  }
  for (const stack of app.node.children) if (stack instanceof RoutingStageStack) for (const line of stack.notices) console.log(line);
  console.log(`synthesized ${stages.join(", ")} into ${app.outdir} in ${Date.now() - started} ms`);
  return 0;
}

if (require.main === module) {
  // cdktf captures a stack trace for every token; mapping each frame through source maps (tsx turns them on)
  // took about half of synth time. Errors here are reported by message, so the maps buy nothing.
  process.setSourceMapsEnabled(false);
  skipTokenStackTraces();
  const args = process.argv.slice(2);
  try {
    process.exitCode = runCommandSync(args, USAGE, () => synthesize(selectStages(args)));
  } catch (e) {
    if (e instanceof FilterValidationError) {
      console.error(e.report());
    } else if (e instanceof EvolutionError) {
      console.error(e.problems.map((m) => `error: ${m}`).join("\n"));
    } else {
      console.error(`synth failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    process.exitCode = 1;
  }
}

/**
 * The cdktf app: reads stage config and filters.yaml, one stack per stage (stack name = stage name).
 *   npx tsx main.ts            synthesizes the default stage (dev)
 *   npx tsx main.ts prod       a named stage;  --all: every stage (what `cdktf deploy <stage>` runs)
 */
import { App } from "cdktf";
import { FilterValidationError, loadFilters } from "./filters/load";
import { RoutingStageStack } from "./constructs/routing-stage-stack";
import { EvolutionError } from "./flink-sql/evolution";
import { readLock } from "./flink-sql/lock-file";
import { isStageName } from "./stages/config";
import { DEFAULT_STAGE, STAGE_NAMES, type StageName } from "./stages/names";
import { stageConfig } from "./stages/stages";

export const FILTERS_FILE = process.env.CDC_ROUTING_FILTERS ?? "filters/filters.yaml";

export function selectStages(args: string[]): StageName[] {
  if (args.includes("--all")) return [...STAGE_NAMES];
  const named = args.filter((a) => !a.startsWith("-"));
  for (const n of named) if (!isStageName(n)) throw new Error(`unknown stage '${n}'; stages: ${STAGE_NAMES.join(", ")}`);
  return named.length ? (named as StageName[]) : [DEFAULT_STAGE];
}

/** Builds the app for the given stages; shared by main and the tests. */
export function buildApp(stages: readonly StageName[], app = new App()): App {
  const filters = loadFilters(FILTERS_FILE, { stages: STAGE_NAMES });
  const lock = readLock();
  for (const name of stages) new RoutingStageStack(app, { stage: stageConfig(name), filters, lock: lock[name] });
  return app;
}

if (require.main === module) {
  // cdktf captures a stack trace for every token; mapping each frame through source maps (tsx turns them on)
  // took about half of synth time. Errors here are reported by message, so the maps buy nothing.
  process.setSourceMapsEnabled(false);
  try {
    const stages = selectStages(process.argv.slice(2));
    const started = Date.now();
    buildApp(stages).synth();
    console.log(`synthesized ${stages.join(", ")} into ${process.env.CDKTF_OUTDIR ?? "cdktf.out"} in ${Date.now() - started} ms`);
  } catch (e) {
    if (e instanceof FilterValidationError) {
      console.error(e.errors.map((m) => `error: ${m}`).join("\n"));
    } else if (e instanceof EvolutionError) {
      console.error(e.problems.map((m) => `error: ${m}`).join("\n"));
    } else {
      console.error(`synth failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    process.exitCode = 1;
  }
}

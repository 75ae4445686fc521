/**
 * The cdktf app's entry point (cdktf.json's app): synthesizes one stack per stage (stack name = stage name),
 * composed by app/build-app.ts. Nothing imports this file.
 *   npm run synth                 synthesizes the default stage (dev)    (node bin/run.js main.ts: compiled, bin/build.js)
 *   npm run synth -- prod         a named stage;  --all: every stage (what `cdktf deploy <stage>` runs)
 */
// First: before anything imports cdktf (see the module).
import "./app/archiver-on-first-use";
import { App } from "cdktf";
import { checkBinaryVersionsOnce } from "./app/binary-version-checks";
import { buildApp } from "./app/build-app";
import { keepOnlySynthesizedStacks } from "./app/synth-output";
import { skipTokenStackTraces } from "./app/token-stack-traces";
import { RoutingStageStack } from "./constructs/routing-stage-stack";
import { oneOf, parseCommandLine, runScript } from "./lib/command-line";
import { UsageError } from "./lib/errors";
import { LOCAL_CONFLUENT_ENV } from "./offline/stack-for-double";
import { synthesizeForDouble } from "./offline/synth-for-double";
import { DEFAULT_STAGE, STAGE_NAMES, type StageName } from "./stages/names";

const USAGE = `usage: npm run synth -- [${STAGE_NAMES.join("|")} ...] [--all]     (node bin/run.js main.ts; npm run synth:all)

Synthesizes one Terraform stack per stage into cdktf.out/stacks/<stage> (or $CDKTF_OUTDIR); cdktf.out then holds
exactly these stacks. No stage: ${DEFAULT_STAGE}. --all: ${STAGE_NAMES.join(", ")} (what \`npx cdktf synth|plan|deploy <stage>\` runs).
Environment: CDC_ROUTING_FILTERS (default filters/filters.yaml), CDC_ROUTING_LOCK, CDC_ROUTING_STATE_* (README: Stages),
CDC_ROUTING_NOW (the date, YYYY-MM-DD, that decides which stopped statements Confluent has deleted; default today),
CDC_ROUTING_TOKEN_TRACES=1 (keep cdktf's token creation traces, for a token that fails to resolve; slower).`;

/** Stages named on the command line; a usage error for an unknown stage or option. */
function selectStages(args: string[]): StageName[] {
  const { values, positionals } = parseCommandLine(args, { all: { type: "boolean" } }, STAGE_NAMES.length);
  const named = positionals.map((n) => oneOf("stage", n, STAGE_NAMES));
  if (values.all && named.length > 0)
    throw new UsageError("--all synthesizes every stage; name stages or use --all, not both");
  if (values.all) return [...STAGE_NAMES];
  return named.length ? [...new Set(named)] : [DEFAULT_STAGE];
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
  for (const stack of app.node.children)
    if (stack instanceof RoutingStageStack) for (const line of stack.notices) console.log(line);
  console.log(`synthesized ${stages.join(", ")} into ${app.outdir} in ${Date.now() - started} ms`);
  return 0;
}

// cdktf captures a stack trace for every token; mapping each frame through source maps (tsx, --enable-source-maps)
// took about half of synth time. Errors here are reported by message (a bug keeps its trace, unmapped).
process.setSourceMapsEnabled(false);
skipTokenStackTraces();
checkBinaryVersionsOnce();
void runScript(USAGE, (args) => synthesize(selectStages(args)), { note: "nothing was synthesized" });

/**
 * npm run bench:scale [-- --plan] — the stack at 4, 100 and 400 generated filters (20 consumers; each filter two
 * conditions and its own topic; bench/scale-inputs.ts, with the lock `statements:lock` writes for them), in one
 * run: wall time of `npm run synth:all` (node bin/run.js main.ts --all; a warm-up round per size, then
 * BENCH_ROUNDS alternating rounds; median and spread), the marginal synth cost per filter, resources per stage and per filter, the largest statement.
 * --plan: dev applied to the local Confluent Cloud API double with the real terraform CLI and confluent provider,
 * then a no-change `terraform plan`: wall time and the API calls the double answered (minutes at 400 filters).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { InputError } from "../lib/errors";
import type { Json } from "../lib/json";
import { getOrThrow } from "../lib/maps";
import { run } from "../lib/run";
import { startConfluentDouble } from "../local/confluent-api/server";
import { TemporaryDirs } from "../local/processes";
import { SENSITIVE_VARIABLES } from "../offline/stack-for-double";
import { terraformEnv, terraformInit } from "../providers/mirror";
import { STAGE_NAMES } from "../stages/names";
import { type ScaleInputs, writeScaleInputs } from "./scale-inputs";
import { alternate, machineLine, median, progress, summary } from "./stats";

const USAGE = `usage: npm run bench:scale [-- --plan]     (BENCH_ROUNDS=<rounds>, default 5)

Synthesizes all stages from generated filter sets of 4, 100 and 400 filters (20 consumers), and of 400 filters
named filtered-<name>-events, alternating; prints synth time, cost per filter, resources per stage and per filter
and the largest statement. --plan also applies
dev to the local Confluent Cloud API double and times a no-change terraform plan, counting API calls (needs the
terraform CLI and the provider mirror: npm run providers:refresh; takes minutes).`;

const SIZES = [4, 100, 400] as const;
const CONSUMERS = 20;
const temporary = new TemporaryDirs();

const label = (filters: number) => `${filters} filters`;
/** The largest size again, with topics named as the system this project implements names them (scale-inputs.ts). */
const SYSTEM_NAMING = `${SIZES[2]} filters, filtered-<name>-events`;

/** `node bin/run.js main.ts --all` on the inputs into outdir, as `npm run synth:all` runs it; its wall seconds. */
function synthSeconds(inputs: ScaleInputs, outdir: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["bin/run.js", "main.ts", "--all"], {
    env: { ...process.env, ...inputs.env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new InputError(`synth of ${inputs.filtersFile} failed:\n${r.stderr || r.stdout}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const resourcesOf = (stack: Json): number =>
  Object.values((stack.resource ?? {}) as Json).reduce((n: number, byId) => n + Object.keys(byId as Json).length, 0);
const statementsOf = (stack: Json): string[] =>
  Object.values((stack.resource?.confluent_flink_statement ?? {}) as Json).map((s) => s.statement as string);

function stacksIn(outdir: string): Record<string, Json> {
  return Object.fromEntries(
    STAGE_NAMES.map((s) => [s, JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8"))]),
  );
}

interface PlanCost {
  applySeconds: number;
  applyCalls: number;
  planSeconds: number;
  planCalls: number;
}

/** dev applied to a fresh double, then a no-change plan: what a pull request's plan costs on a deployed stage. */
async function planCost(inputs: ScaleInputs, filters: number): Promise<PlanCost> {
  const double = await startConfluentDouble({ log: (line) => progress(`double: ${line}`) });
  try {
    const outdir = temporary.create(`bench-scale-double-${filters}`);
    const synth = await run(
      process.execPath,
      ["bin/run.js", "offline/synth-for-double.ts", "dev", outdir, double.url],
      {
        env: { ...process.env, ...inputs.env },
      },
    );
    if (synth.code !== 0) throw new InputError(`synth for the double failed:\n${synth.output}`);
    const dir = join(outdir, "stacks", "dev");
    terraformInit(dir);
    // Throwaway values: the double accepts any key. TF_ACC=1: the provider polls every second (provider.go).
    const env = {
      ...terraformEnv(),
      TF_ACC: "1",
      ...Object.fromEntries(SENSITIVE_VARIABLES.map((v) => [`TF_VAR_${v}`, "bench-scale"])),
    };
    const calls = () => [...double.store.calls.values()].reduce((a, b) => a + b, 0);
    progress(`${label(filters)}: terraform apply of dev against the double`);
    const started = Date.now();
    const ticker = setInterval(
      () =>
        progress(
          `${label(filters)}: applying, ${Math.round((Date.now() - started) / 1000)} s, ${calls()} API calls answered so far`,
        ),
      30_000,
    );
    const apply = await run("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], {
      cwd: dir,
      env,
    }).finally(() => clearInterval(ticker));
    if (apply.code !== 0) throw new InputError(`terraform apply failed:\n${apply.output.slice(-4000)}`);
    const applyCalls = calls();
    double.store.resetCalls();
    progress(`${label(filters)}: terraform plan of dev (no change expected)`);
    const plan = await run("terraform", ["plan", "-input=false", "-detailed-exitcode", "-no-color"], { cwd: dir, env });
    if (plan.code !== 0)
      throw new InputError(`terraform plan was not empty (exit ${plan.code}):\n${plan.output.slice(-4000)}`);
    return { applySeconds: apply.ms / 1000, applyCalls, planSeconds: plan.ms / 1000, planCalls: calls() };
  } finally {
    await double.close();
  }
}

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, { plan: { type: "boolean" } });
  const dir = temporary.create("bench-scale");
  const inputs = new Map(SIZES.map((n) => [n, writeScaleInputs(dir, n, CONSUMERS)]));
  const outdirs = new Map(SIZES.map((n) => [n, join(dir, `out-${n}`)]));
  // Writing the inputs runs the lock tool's evolveStage for every stage: timed once, for the naming comparison.
  const lockStarted = process.hrtime.bigint();
  const systemInputs = writeScaleInputs(dir, SIZES[2], CONSUMERS, "system");
  const systemLockSeconds = Number(process.hrtime.bigint() - lockStarted) / 1e9;
  const systemOut = join(dir, "out-system");
  const times = await alternate(
    [...SIZES.map(label), SYSTEM_NAMING],
    (side) => {
      if (side === SYSTEM_NAMING) return synthSeconds(systemInputs, systemOut);
      const n = Number(side.split(" ")[0]) as (typeof SIZES)[number];
      return synthSeconds(getOrThrow(inputs, n), getOrThrow(outdirs, n));
    },
    { unit: "s" },
  );
  const stacks = new Map(SIZES.map((n) => [n, stacksIn(getOrThrow(outdirs, n))]));
  const systemStacks = stacksIn(systemOut);
  const costs = new Map<number, PlanCost>();
  if (values.plan) for (const n of SIZES) costs.set(n, await planCost(getOrThrow(inputs, n), n));

  const [small, mid, large] = SIZES;
  const med = (n: number) => median(times[label(n)]);
  console.log(
    `bench:scale  synth of ${STAGE_NAMES.join(", ")} (npm run synth:all, wall clock) from generated filters, ${CONSUMERS} consumers; ${machineLine()}`,
  );
  for (const n of SIZES) console.log(`  ${label(n).padEnd(12)} ${summary(times[label(n)], "s")}`);
  // Linear growth shows as the same marginal cost over both intervals.
  console.log(
    `  synth cost per filter: ${(((med(mid) - med(small)) / (mid - small)) * 1000).toFixed(1)} ms from ${small} to ${mid} filters, ${(((med(large) - med(mid)) / (large - mid)) * 1000).toFixed(1)} ms from ${mid} to ${large}; goal ${large} filters in at most 5 s: ${med(large) <= 5 ? "met" : "NOT MET"} (median ${med(large).toFixed(2)} s)`,
  );
  for (const n of SIZES) {
    const perStage = STAGE_NAMES.map((s) => `${s} ${resourcesOf(getOrThrow(stacks, n)[s])}`).join(", ");
    const largest = Math.max(
      ...STAGE_NAMES.flatMap((s) => statementsOf(getOrThrow(stacks, n)[s]).map((t) => t.length)),
    );
    const roles = Object.keys(getOrThrow(stacks, n).dev.resource.confluent_role_binding ?? {}).length;
    console.log(
      `  ${label(n).padEnd(12)} resources per stage: ${perStage} (dev: ${roles} role bindings); largest statement ${largest.toLocaleString("en-US")} characters`,
    );
  }
  const roleBindings = (stack: Json) => Object.keys(stack.resource.confluent_role_binding ?? {}).length;
  console.log(
    `  ${SYSTEM_NAMING}: synth ${summary(times[SYSTEM_NAMING], "s")}; lock of all stages ${systemLockSeconds.toFixed(2)} s (one run); resources per stage: ${STAGE_NAMES.map((s) => `${s} ${resourcesOf(systemStacks[s])}`).join(", ")} (dev: ${roleBindings(systemStacks.dev)} role bindings, against ${roleBindings(getOrThrow(stacks, SIZES[2]).dev)} with a prefix per consumer: each topic is granted by itself)`,
  );
  for (const s of STAGE_NAMES) {
    const per = (resourcesOf(getOrThrow(stacks, large)[s]) - resourcesOf(getOrThrow(stacks, mid)[s])) / (large - mid);
    console.log(
      `  resources per filter in ${s}: ${per.toFixed(2)} (from ${mid} to ${large} filters, same ${CONSUMERS} consumers)`,
    );
  }
  if (costs.size > 0) {
    for (const [n, c] of costs) {
      console.log(
        `  ${label(n).padEnd(12)} dev against the local Confluent Cloud API double: apply ${c.applySeconds.toFixed(1)} s, ${c.applyCalls} API calls; no-change plan ${c.planSeconds.toFixed(1)} s, ${c.planCalls} API calls`,
      );
    }
    const a = getOrThrow(costs, mid);
    const b = getOrThrow(costs, large);
    console.log(
      `  API calls per filter of a no-change plan: ${((b.planCalls - a.planCalls) / (large - mid)).toFixed(2)} (from ${mid} to ${large} filters)`,
    );
  } else {
    console.log(
      "  terraform plan against the local Confluent Cloud API double: not run (add --plan; minutes at 400 filters)",
    );
  }
}

void runScript(USAGE, (args) => main(args).finally(() => temporary.removeAll()));

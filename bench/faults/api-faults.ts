/**
 * npm run bench:faults:api — API fault trials: each stage applied with the real terraform CLI and confluent provider
 * to the local Confluent Cloud API double while the double injects faults (local/confluent-api/faults.ts), then
 * planned again under the same faults; converged = the apply succeeded and the plan is empty (-detailed-exitcode 0).
 * Per scenario: faults injected, requests retried, wall time. Kinds the provider does not retry (501; and any kind
 * once its max_retries are used up) must fail the apply with a clear error; then the faults stop and a re-run must
 * converge. Every trial prints its seed: `--seeds <n>` replays it.
 */
import { parseCommandLine, runScript } from "../../lib/command-line";
import { InputError, UsageError } from "../../lib/errors";
import type { Json } from "../../lib/json";
import { FAULT_KINDS, type FaultCounts, parseFaultRules } from "../../local/confluent-api/faults";
import { TemporaryDirs } from "../../local/processes";
import { StackOnDouble, synthesize } from "../../offline/stack-on-double";
import { STAGE_NAMES, type StageName } from "../../stages/names";
import { type Log, machineLine, progress } from "../stats";
import { type FaultRow, faultTable } from "./report";

export interface ApiFaultScenario {
  /** Short name, for --scenarios. */
  name: string;
  /** The fault report's row title. */
  fault: string;
  /** Rules as the double reads them (faults.ts). */
  rules: string;
  /** The apply must fail with an error matching this; the re-run without faults must converge. */
  failsWith?: RegExp;
  /**
   * The re-run without faults must fail the same way too (it cannot converge by itself); after the documented
   * recovery (docs/reliability.md: import the service accounts created but not in state) it must converge.
   */
  stuck?: true;
}

/** 20% of every route, per kind, and mixed; then the two ways an apply must fail (not retried, retries used up). */
export const SCENARIOS: readonly ApiFaultScenario[] = [
  { name: "none", fault: "no API fault (baseline)", rules: "" },
  { name: "429", fault: "429 + Retry-After: 1 on 20% of every route", rules: "429@20%" },
  { name: "500", fault: "500 on 20% of every route", rules: "500@20%" },
  { name: "502", fault: "502 on 20% of every route", rules: "502@20%" },
  { name: "503", fault: "503 on 20% of every route", rules: "503@20%" },
  { name: "reset", fault: "connection reset on 20% of every route", rules: "reset@20%" },
  { name: "slow", fault: "answer 3 s late on 20% of every route", rules: "slow=3s@20%" },
  {
    name: "mixed",
    fault: "429, 500, 502, 503, reset at 4% each (20%) of every route",
    rules: "429@4%; 500@4%; 502@4%; 503@4%; reset@4%",
  },
  {
    name: "501",
    fault: "501 on every service account create (not retried)",
    rules: "501@100% POST /iam/v2/service-accounts",
    failsWith: /error creating service account .*501 Not Implemented/i,
  },
  {
    name: "exhausted",
    fault: "429 on every service account create (retries used up)",
    rules: "429@100% POST /iam/v2/service-accounts",
    failsWith: /received HTTP 429 Too Many Requests.*Retries: \d+/,
  },
  {
    name: "lost",
    fault: "answer lost after the create on 30% of service account creates",
    rules: "lost@30% POST /iam/v2/service-accounts",
    failsWith: /error creating service account .*409 Conflict: Service name is already in use/,
    stuck: true,
  },
];

export interface TrialResult {
  stage: StageName;
  scenario: ApiFaultScenario;
  seed: number;
  converged: boolean;
  /** Wall time until converged (both applies and the plan for a scenario that must fail first). */
  seconds: number;
  injected: FaultCounts;
  faults: number;
  retries: number;
  calls: number;
  /** The failed apply's error lines, for a scenario that must fail. */
  error?: string;
  /** Why it did not converge. */
  problem?: string;
}

/** Terraform's `Error:` blocks, on one line each (terraform wraps at 78 columns off a terminal). */
export function terraformErrorLines(output: string): string[] {
  return output
    .split(/\n(?=│ Error: |Error: )/)
    .filter((b) => /^(│ )?Error: /.test(b))
    .map((b) =>
      b
        .split("\n")
        .filter((l) => !/^[│\s]*(with |on |\d+:|╵)/.test(l))
        .join(" ")
        .replace(/[│╷╵]/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    );
}

/**
 * One trial: a fresh double injecting the scenario's faults with `seed`, `terraform apply` of the stage, then a plan
 * under the same faults; for a scenario that must fail: the failed apply's error, then the faults stop, apply again,
 * plan. Leaves nothing running (the double is closed; the directory is the caller's).
 */
export async function runApiFaultTrial(
  stage: StageName,
  synth: Json,
  scenario: ApiFaultScenario,
  seed: number,
  temporary: TemporaryDirs,
  log: Log = progress,
): Promise<TrialResult> {
  const rules = parseFaultRules(scenario.rules);
  const stack = await StackOnDouble.start(
    temporary,
    `${stage}-${scenario.name}-${seed}`,
    {},
    {
      faults: rules.length ? { rules, seed } : undefined,
      log: (line) => log(`  double: ${line}`),
    },
  );
  const started = Date.now();
  const result = (converged: boolean, extra: Partial<TrialResult> = {}): TrialResult => {
    const plan = stack.double.faults;
    return {
      stage,
      scenario,
      seed,
      converged,
      seconds: (Date.now() - started) / 1000,
      injected: plan?.injected ?? (Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as FaultCounts),
      faults: plan?.total ?? 0,
      retries: plan?.retries ?? 0,
      calls: plan?.calls ?? 0,
      ...extra,
    };
  };
  try {
    stack.useConfig(synth);
    let applied = await stack.apply();
    let error: string | undefined;
    if (scenario.failsWith) {
      const lines = terraformErrorLines(applied.output);
      error = lines.find((l) => scenario.failsWith?.test(l)) ?? lines[0];
      if (applied.code === 0 || !lines.some((l) => scenario.failsWith?.test(l)))
        return result(false, {
          problem: `the apply should have failed with ${scenario.failsWith}; exit ${applied.code}: ${lines.join(" / ") || applied.output.slice(-500)}`,
        });
      // Counts stay with the faulty run; the re-run is without faults.
      const faulty = result(false);
      stack.double.setFaults(undefined);
      applied = await stack.apply();
      if (scenario.stuck) {
        if (applied.code === 0 || !terraformErrorLines(applied.output).some((l) => scenario.failsWith?.test(l)))
          return { ...faulty, problem: `the re-run should have failed the same way; exit ${applied.code}` };
        const imported = await importOrphanServiceAccounts(stack, synth);
        log(`  imported ${imported.join(", ")}`);
        applied = await stack.apply();
      }
      if (applied.code !== 0)
        return { ...faulty, problem: `the re-run failed: ${terraformErrorLines(applied.output).join(" / ")}` };
      const { run: planned, pending } = await stack.pendingPlanChanges("check.tfplan");
      return planned.code === 0
        ? { ...faulty, converged: true, seconds: (Date.now() - started) / 1000, error }
        : { ...faulty, problem: notEmpty(planned.code, pending, planned.output) };
    }
    if (applied.code !== 0)
      return result(false, { problem: `apply failed: ${terraformErrorLines(applied.output).join(" / ")}` });
    const { run: planned, pending } = await stack.pendingPlanChanges("check.tfplan");
    if (planned.code !== 0) return result(false, { problem: notEmpty(planned.code, pending, planned.output) });
    if (stack.double.unknownCalls.length > 0)
      return result(false, { problem: `calls the double has no route for: ${stack.double.unknownCalls.join(", ")}` });
    return result(true);
  } finally {
    await stack.close();
  }
}

/**
 * The recovery for a service account created whose answer was lost: `terraform import <address> <id>` for each one
 * the API has and the state lacks, found by its display name in the configuration. Returns the imported addresses.
 */
export async function importOrphanServiceAccounts(stack: StackOnDouble, synth: Json): Promise<string[]> {
  const shown = await stack.terraform("show", "-json");
  const inState = new Set(
    (JSON.parse(shown.stdout).values?.root_module?.resources ?? [])
      .filter((r: Json) => r.type === "confluent_service_account")
      .map((r: Json) => r.values.id),
  );
  const addressOf = new Map(
    Object.entries<Json>(synth.resource.confluent_service_account).map(([name, sa]) => [
      sa.display_name,
      `confluent_service_account.${name}`,
    ]),
  );
  const imported: string[] = [];
  for (const sa of stack.double.store.serviceAccounts.values()) {
    const address = addressOf.get(sa.display_name);
    if (inState.has(sa.id) || !address) continue;
    const r = await stack.terraform("import", "-input=false", address, sa.id);
    if (r.code !== 0) throw new Error(`terraform import ${address} ${sa.id} failed:\n${r.output}`);
    imported.push(`${address} ${sa.id}`);
  }
  return imported;
}

function notEmpty(code: number, changes: string[], output: string): string {
  return code === 2
    ? `the plan after the apply is not empty: ${changes.join("; ")}`
    : `the plan after the apply failed: ${terraformErrorLines(output).join(" / ")}`;
}

export function trialLine(r: TrialResult): string {
  const kinds = FAULT_KINDS.filter((k) => r.injected[k] > 0).map((k) => `${k} ${r.injected[k]}`);
  return `${r.stage} ${r.scenario.name} seed ${r.seed}: ${r.converged ? "converged" : "NOT converged"} in ${r.seconds.toFixed(1)} s; ${r.faults} faults${kinds.length ? ` (${kinds.join(", ")})` : ""} in ${r.calls} calls, ${r.retries} retried${r.error ? `; apply failed with: ${r.error.slice(0, 240)}` : ""}${r.problem ? `; ${r.problem}` : ""}`;
}

/** One row per scenario over its trials: recovery = wall time to converge; the note sums faults and retries. */
export function apiFaultRows(results: readonly TrialResult[]): FaultRow[] {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  return scenarios.map((scenario) => {
    const trials = results.filter((r) => r.scenario === scenario);
    const failed = trials.filter((r) => !r.converged);
    const faults = trials.reduce((n, r) => n + r.faults, 0);
    const retries = trials.reduce((n, r) => n + r.retries, 0);
    const stages = [...new Set(trials.map((r) => r.stage))].join(", ");
    const notes = [
      `${stages}; ${faults} faults, ${retries} retried`,
      scenario.stuck
        ? "apply fails as expected; a re-run fails the same way; after terraform import of the orphans it converges"
        : scenario.failsWith
          ? "apply fails as expected, re-run without faults converges"
          : "",
      failed.length ? `${failed.length} of ${trials.length} did NOT converge: ${failed[0].problem}` : "",
    ];
    return {
      fault: scenario.fault,
      trials: trials.length,
      lost: 0,
      duplicated: {},
      recoverySeconds: trials.filter((r) => r.converged).map((r) => r.seconds),
      note: notes.filter(Boolean).join("; "),
    };
  });
}

export interface ApiFaultOptions {
  stages?: readonly StageName[];
  scenarios?: readonly ApiFaultScenario[];
  seeds?: readonly number[];
  log?: Log;
}

/** Every scenario on every stage with every seed (a scenario that must fail: the first seed only; it is not drawn). */
export async function apiFaultTrials(options: ApiFaultOptions = {}): Promise<FaultRow[]> {
  return apiFaultRows(await apiFaultResults(options));
}

export async function apiFaultResults({
  stages = STAGE_NAMES,
  scenarios = SCENARIOS,
  seeds = [1, 2],
  log = progress,
}: ApiFaultOptions = {}): Promise<TrialResult[]> {
  const temporary = new TemporaryDirs();
  const results: TrialResult[] = [];
  try {
    for (const stage of stages) {
      log(`${stage}: synth`);
      const synth = await synthesize(stage, temporary.create(`synth-${stage}`));
      for (const scenario of scenarios)
        for (const seed of scenario.failsWith || scenario.rules === "" ? seeds.slice(0, 1) : seeds) {
          log(`${stage}: ${scenario.fault}, seed ${seed}`);
          const r = await runApiFaultTrial(stage, synth, scenario, seed, temporary, log);
          log(trialLine(r));
          results.push(r);
        }
    }
  } finally {
    temporary.removeAll();
  }
  return results;
}

const USAGE = `usage: npm run bench:faults:api [-- --stages dev,staging,prod] [--scenarios ${SCENARIOS.map((s) => s.name).join(",")}] [--seeds 1,2]

Applies each stage to the local Confluent Cloud API double while it injects API faults (real terraform and
confluent provider from the mirror: npm run providers:refresh), then plans again: prints each trial (with its
seed), then the fault report's rows. Exit 1 when a trial did not converge. Minutes: about a minute per trial.`;

function list(text: string | undefined, what: string, allowed: readonly string[]): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(",").filter(Boolean);
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length) throw new UsageError(`${what}: unknown ${bad.join(", ")}; one or more of ${allowed.join(", ")}`);
  return items;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseCommandLine(args, {
    stages: { type: "string" },
    scenarios: { type: "string" },
    seeds: { type: "string" },
  });
  const names = list(
    values.scenarios,
    "--scenarios",
    SCENARIOS.map((s) => s.name),
  );
  const seeds = values.seeds?.split(",").map(Number);
  if (seeds?.some((s) => !Number.isInteger(s) || s < 0)) throw new UsageError(`--seeds: whole numbers, e.g. 1,2`);
  const start = machineLine();
  const results = await apiFaultResults({
    stages: list(values.stages, "--stages", STAGE_NAMES) as StageName[] | undefined,
    scenarios: names && SCENARIOS.filter((s) => names.includes(s.name)),
    seeds,
  });
  console.log(`API fault trials, ${start} (at the start); load at the end: ${machineLine().split("load average ")[1]}`);
  for (const r of results) console.log(`  ${trialLine(r)}`);
  console.log(`\n${faultTable(apiFaultRows(results))}`);
  const failed = results.filter((r) => !r.converged);
  if (failed.length) throw new InputError(failed.map((r) => `did not converge: ${trialLine(r)}`));
  return 0;
}

if (require.main === module) void runScript(USAGE, main);

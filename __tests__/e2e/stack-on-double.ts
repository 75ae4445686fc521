/**
 * The e2e suites' side of a synthesized stage run with the real terraform CLI and confluent provider against the
 * local Confluent Cloud API double: StackOnDouble and synthesize live in offline/stack-on-double.ts (the fault
 * trials in bench/ use them too); here the jest hooks, the review steps and the suites' inputs.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { Json } from "../../lib/json";
import { RUN_ENTRY_POINT, type Run, run, runEntryPoint } from "../../lib/run";
import type { TemporaryDirs } from "../../local/processes";
import { pendingChanges, StackOnDouble, synthesize } from "../../offline/stack-on-double";
import { changedAttributes } from "../../review/apply-time-rules";
import { destructiveChanges, refusedChanges } from "../../review/guard";
import { actionOf, type PlanJson } from "../../review/plan";
import { redactPlan } from "../../review/redact";
import { realProvidersMissing } from "../support/real-providers";
import { ENGINES_STOP_MS } from "./harness";

/** Terraform and npx run as child processes that never block this one (the double answers from here). */
export { pendingChanges, RUN_ENTRY_POINT, type Run, run, runEntryPoint, StackOnDouble, synthesize };

/** Routing left out of a config (each statement would start a Flink cluster), with every output naming one. */
export function withoutStatements(config: Json): void {
  delete config.resource.confluent_flink_statement;
  for (const [name, output] of Object.entries<Json>(config.output ?? {}))
    if (JSON.stringify(output).includes("confluent_flink_statement.")) delete config.output[name];
}

/**
 * Where the mirror is always built first (.ci/run sets CDC_ROUTING_REQUIRE_PROVIDERS=1), a missing piece fails the
 * suite.
 */
export const providersRequired = process.env.CDC_ROUTING_REQUIRE_PROVIDERS === "1";

/** Why the suite cannot run here, or undefined. */
export function notRunnableBecause(): string | undefined {
  return realProvidersMissing() || undefined;
}

/**
 * A suite's guard: why it cannot run here, or undefined. In CI (providers required) that is an error naming the
 * suite; elsewhere the suite is skipped with a loud NOT RUN line saying what was not run.
 */
export function realProvidersOrNotRun(suite: string, notRun: string): string | undefined {
  const why = notRunnableBecause();
  if (why && providersRequired) throw new Error(`${suite} cannot run in CI: ${why}`);
  if (why) console.warn(`\n*** NOT RUN: ${notRun}, because ${why}.\n`);
  return why;
}

/**
 * The plan of `file` is empty (after an apply): otherwise the failure shows the pending changes, or the plan's output
 * when it failed.
 */
export async function expectEmptyPlan(stack: StackOnDouble, file: string): Promise<void> {
  const { run, pending } = await stack.pendingPlanChanges(file);
  if (run.code !== 0) process.stderr.write(`plan ${file}:\n${run.output}\n`);
  expect({ code: run.code, pending: run.code === 1 ? run.output : pending }).toEqual({ code: 0, pending: [] });
}

/** Changes other than no-ops and reads, as `<type> <action> <name> [: changed attributes]`, sorted. */
export function plannedChanges(plan: PlanJson): string[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => !rc.change.actions.every((a) => a === "no-op" || a === "read"))
    .map((rc) => {
      const action = actionOf(rc.change.actions);
      const name = (rc.change.before ?? rc.change.after) as Record<string, any>;
      return `${rc.type} ${action} ${name.statement_name ?? name.display_name}${action === "update" ? `: ${changedAttributes(rc).join(", ")}` : ""}`;
    })
    .sort();
}

/**
 * Plans into a saved plan, checks the review tools pass its redacted form (no destructive change, nothing Confluent
 * refuses at apply), applies exactly it; the next plan is empty.
 */
export async function planReviewApply(stack: StackOnDouble, file: string): Promise<PlanJson> {
  const { run, plan } = await stack.plan(file);
  if (!plan) throw new Error(`plan failed:\n${run.output}`);
  const uploaded = redactPlan(plan);
  expect([destructiveChanges(uploaded), refusedChanges(uploaded)]).toEqual([[], []]);
  const applied = await stack.terraform("apply", "-input=false", file);
  if (applied.code !== 0) throw new Error(`apply of ${file} failed:\n${applied.output}`);
  const next = await stack.pendingPlanChanges(`${file}.check`);
  if (next.run.code !== 0)
    throw new Error(
      `the plan after ${file} is not empty:\n${next.pending.length > 0 ? next.pending.join("\n") : next.run.output}`,
    );
  return plan;
}

/**
 * A suite's stack on the double, like harness.ts useEngines: `start` runs in beforeAll, before the suite's own
 * beforeAll hooks (declared after this call); after the suite, `stop` runs (by default the stack's double is
 * closed), then the suite's temporary directories are removed.
 */
export function useStackOnDouble(
  temporary: TemporaryDirs,
  start: () => Promise<StackOnDouble>,
  stop?: () => Promise<void>,
): void {
  let stack: StackOnDouble | undefined;
  beforeAll(async () => {
    stack = await start();
  }, 300_000);
  afterAll(async () => {
    await (stop ? stop() : stack?.close());
    temporary.removeAll();
    // Closing the double stops its statements' Flink JVMs.
  }, ENGINES_STOP_MS);
}

/** A copy of filters.yaml with one edit, and a copy of the statement lock, in a temporary directory. */
export function editedInputs(
  dir: string,
  edit: (doc: { filters: Record<string, any>[] }) => void,
): { env: NodeJS.ProcessEnv; filters: string } {
  const filters = join(dir, "filters.yaml");
  const doc = parseYaml(readFileSync("filters/filters.yaml", "utf8"));
  edit(doc);
  writeFileSync(filters, stringifyYaml(doc));
  const lock = join(dir, "statements.lock.json");
  copyFileSync("lock/statements.lock.json", lock);
  return { filters, env: { CDC_ROUTING_FILTERS: filters, CDC_ROUTING_LOCK: lock } };
}

/**
 * The filter change the deploy suites make: loan-created to v2, creates only (the local deploy writes only creates,
 * so the same events match before and after).
 */
/** `review/cli.ts guard` on a plan JSON file, as the deploy workflow runs it. */
export function reviewGuard(stage: string, planFile: string, ...flags: string[]): Promise<Run> {
  return runEntryPoint("review/cli.ts", ["guard", "--stage", stage, "--plan", planFile, ...flags]);
}

export function loanCreatedV2CreatesOnly(dir: string): { env: NodeJS.ProcessEnv; filters: string } {
  return editedInputs(dir, (doc) => {
    const f = doc.filters.find((x) => x.name === "loan-created")!;
    f.version = 2;
    f.operations = ["create"];
  });
}

/** `npm run statements:lock` for one stage on those inputs, as a developer runs it before opening the PR. */
export async function lockStatements(
  stage: string,
  inputs: { env: NodeJS.ProcessEnv; filters: string },
  ...extra: string[]
) {
  return runEntryPoint("cli/cdc-routing.ts", ["lock", "--stage", stage, "--filters", inputs.filters, ...extra], {
    env: { ...process.env, ...inputs.env },
  });
}

export function callTable(title: string, calls: [string, number][]): string {
  const total = calls.reduce((n, [, c]) => n + c, 0);
  return [`${title}: ${total} API calls`, ...calls.map(([label, n]) => `  ${String(n).padStart(4)}  ${label}`)].join(
    "\n",
  );
}

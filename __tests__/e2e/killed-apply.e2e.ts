/**
 * A killed apply converges (issue 29, part 2), the short subset of `npm run bench:faults:killed`: dev's
 * `terraform apply` on the local Confluent killed with SIGKILL, once in a full deploy at a seeded call and once in
 * the filter change with carry-over as the new statement is created (its answer lost), then recovered as
 * docs/runbooks/interrupted-apply.md says. After each: the
 * re-run converged, the next plan is empty, every object of the double is in the state, no statement was created
 * twice or without its carry-over, and the example consumers got every routed event exactly once. The recovery
 * command runs between the kill and the re-run; what it finds must be what the re-run needed.
 */

import { trialSeed } from "../../bench/faults/kill-points";
import { KilledApplies, type TrialResult, trialLine } from "../../bench/faults/killed-apply";
import { interruptedApplyReport } from "../../offline/interrupted-apply-report";
import { realProvidersOrNotRun } from "./stack-on-double";

const why = realProvidersOrNotRun("killed-apply suite", "killed applies");

/**
 * The kill points come from this seed (CDC_ROUTING_KILL_SEED replays another; each trial prints its own): with 41
 * the deploy is killed at change call 72 of 73, the connector's create (the last calls run in the order of the
 * stack's dependencies: topics 66-70, the connector's validation 71 and create 72, the routing statement 73).
 */
const SEED = Number(process.env.CDC_ROUTING_KILL_SEED ?? 41);
/**
 * Change calls (POST, PUT, PATCH, DELETE) of an uninterrupted apply, the range kill points are drawn from: 73 for the
 * deploy and 2 for the change in each of two applies on 2026-12-07 (their number does not vary; the polls do).
 */
const CALLS = { deploy: 73, change: 2 };
const quiet = process.env.CDC_ROUTING_VERBOSE ? (line: string) => process.stderr.write(`[local] ${line}\n`) : undefined;

function problemsOf(index: number, r: TrialResult): string[] {
  process.stderr.write(`${trialLine(index, r)}\n`);
  return r.problems;
}

(why ? describe.skip : describe)("a killed apply converges", () => {
  let applies: KilledApplies;
  beforeAll(async () => {
    applies = await KilledApplies.start(SEED, quiet);
  }, 300_000);
  afterAll(async () => {
    await applies?.stop();
  }, 120_000);

  test("a full dev deploy killed at a seeded call: the re-run converges, nothing outside the state, events exactly once", async () => {
    let report: string[] = [];
    const r = await applies.trial("deploy", 0, trialSeed(SEED, 0), CALLS.deploy, async (dir) => {
      report = await interruptedApplyReport(dir, applies.bench.env);
    });
    expect(problemsOf(0, r)).toEqual([]);
    expect(r.killed).toBe(true);
    // Every import of a statement, connector or topic the re-run needed, the recovery command had printed before it.
    const imports = r.steps
      .flatMap((s) => s.match(/terraform import '[^']+' '[^']+'/g) ?? [])
      .filter((line) => /'confluent_(flink_statement|connector|kafka_topic)\./.test(line));
    for (const line of imports) expect(report.join("\n")).toContain(line);
    expect(r.tallies.some((t) => t.expected > 0)).toBe(true);
  }, 600_000);

  test("the filter change killed as the new statement is created: imported, not created twice, carry-over kept, events exactly once", async () => {
    let report: string[] = [];
    const r = await applies.trial(
      "change",
      1,
      0,
      CALLS.change,
      async (dir) => {
        report = await interruptedApplyReport(dir, applies.bench.env);
      },
      "statement create",
    );
    expect(problemsOf(1, r)).toEqual([]);
    expect(r.killed).toBe(true);
    // The statement's create answered after terraform died: the re-run met the 409, the recovery command had its import.
    const imports = r.steps.flatMap(
      (s) => s.match(/terraform import 'confluent_flink_statement\.[^']+' '[^']+'/g) ?? [],
    );
    expect(imports).toHaveLength(1);
    expect(report.join("\n")).toContain(imports[0]);
    expect(r.tallies.some((t) => t.expected > 0)).toBe(true);
  }, 600_000);
});

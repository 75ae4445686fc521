/**
 * npm run bench:e2e — the end-to-end suite's wall and CPU time, whole or the suites of issue 28's day (every suite
 * but issue 29's three), with one or more jest worker counts, alternating in one run: a warm-up run per worker
 * count, then BENCH_ROUNDS (default 3 here: a run takes minutes) rounds. Prints, per worker count, the whole run's
 * wall and CPU time (user + system of the processes it waited for), each suite's median, and how many rounds met
 * the goal issue 28 sets for that selection. A run with a failed test fails the benchmark: its time means nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { oneOf, parseCommandLine, runScript } from "../lib/command-line";
import { InputError, UsageError } from "../lib/errors";
import { run } from "../lib/run";
import { type SuiteRun, suiteName } from "./e2e-timings";
import { alternate, machineLine, median, progress, ratioLine, summary, waitedChildrenCpuSeconds } from "./stats";

const ROOT = resolve(__dirname, "..");

/**
 * Which suites: all of them, or those of issue 28's day (it holds them to 180 s, the whole suite to 300 s): every
 * suite but the three issue 29 added after it (docs/performance.md, Midday runs).
 */
export const SELECTIONS = {
  all: { goalS: 300, skip: undefined },
  "issue-day": { goalS: 180, skip: "api-faults|killed-apply|engine-crashes" },
} as const;
export type Selection = keyof typeof SELECTIONS;

const USAGE = `usage: npm run bench:e2e -- [--suites all|issue-day] [--workers 5[,6,...]]     (BENCH_ROUNDS=<rounds>, default 3)

Wall and CPU time of the end-to-end suite (all, or the suites of issue 28's day: all but api-faults, killed-apply
and engine-crashes) with each jest worker count (default: the e2e config's), alternating: a warm-up run per count,
then the rounds. Each run takes minutes; the engines must be installed as for npm run test:e2e.`;

/** "5,6" as worker counts: whole numbers from 1, each once. */
export function workerCounts(text: string): number[] {
  const counts = text.split(",").map((part) => part.trim());
  if (counts.some((c) => !/^[1-9]\d*$/.test(c)))
    throw new UsageError(`--workers takes whole numbers from 1, separated by commas; got '${text}'`);
  if (new Set(counts).size !== counts.length) throw new UsageError(`--workers names a count twice: '${text}'`);
  return counts.map(Number);
}

export interface JestResults {
  numFailedTests: number;
  numPassedTests: number;
  numTotalTests: number;
  testResults: SuiteRun[];
}

/** Each suite's wall seconds in one run, by its file name without `.e2e.ts`. */
export function suiteSeconds(results: JestResults): Map<string, number> {
  return new Map(results.testResults.map((r) => [suiteName(r.name), (r.endTime - r.startTime) / 1000]));
}

/** Per suite, the median over the rounds; longest first. A suite missing from a round is left out of its median. */
export function suiteMedians(rounds: readonly Map<string, number>[]): [string, number][] {
  const names = new Set(rounds.flatMap((r) => [...r.keys()]));
  return [...names]
    .map((name): [string, number] => [
      name,
      median(rounds.flatMap((r) => (r.has(name) ? [r.get(name) as number] : []))),
    ])
    .sort((a, b) => b[1] - a[1]);
}

interface Round {
  wallS: number;
  cpuS: number;
  suites: Map<string, number>;
  tests: string;
}

async function e2eRun(selection: Selection, workers: number): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), "cdc-routing-bench-e2e-"));
  try {
    const json = join(dir, "results.json");
    const { skip } = SELECTIONS[selection];
    const args = [
      join(ROOT, "node_modules", "jest", "bin", "jest.js"),
      "-c",
      join(ROOT, "jest.e2e.config.js"),
      "--ci",
      `--maxWorkers=${workers}`,
      "--json",
      `--outputFile=${json}`,
      ...(skip ? ["--testPathIgnorePatterns", skip] : []),
    ];
    const cpuBefore = waitedChildrenCpuSeconds();
    const result = await run(process.execPath, args, { cwd: ROOT });
    const cpuS = waitedChildrenCpuSeconds() - cpuBefore;
    let results: JestResults;
    try {
      results = JSON.parse(readFileSync(json, "utf8")) as JestResults;
    } catch {
      throw new InputError(`the e2e run wrote no results (exit ${result.code}):\n${result.output.slice(-4000)}`);
    }
    if (result.code !== 0 || results.numFailedTests > 0)
      throw new InputError(
        `the e2e run failed (exit ${result.code}, ${results.numFailedTests} failed tests); a time of a failing run means nothing:\n${result.output.slice(-4000)}`,
      );
    return {
      wallS: result.ms / 1000,
      cpuS,
      suites: suiteSeconds(results),
      tests: `${results.numPassedTests}/${results.numTotalTests}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, { suites: { type: "string" }, workers: { type: "string" } });
  const selection = oneOf("--suites selection", values.suites ?? "all", Object.keys(SELECTIONS) as Selection[]);
  const configured = (require(join(ROOT, "jest.e2e.config.js")) as { maxWorkers: number }).maxWorkers;
  const counts = values.workers ? workerCounts(values.workers) : [configured];
  const sides = counts.map((n) => `${n} workers`);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const runs = new Map<string, Round[]>(sides.map((s) => [s, []]));
  const header = `bench:e2e  ${selection} suites, goal ${SELECTIONS[selection].goalS} s; ${machineLine()}`;
  progress(header);
  const wall = await alternate(
    sides,
    async (side) => {
      progress(`${side}: the e2e suite running (minutes)`);
      const round = await e2eRun(selection, counts[sides.indexOf(side)]);
      runs.get(side)?.push(round);
      progress(`${side}: ${round.tests} passed, ${round.cpuS.toFixed(0)} CPU s`);
      return round.wallS;
    },
    { rounds, unit: "s" },
  );
  const lines = [header];
  for (const side of sides) {
    // The first run of each side is the uncounted warm-up.
    const counted = (runs.get(side) ?? []).slice(1);
    const goal = SELECTIONS[selection].goalS;
    const met = counted.filter((r) => r.wallS <= goal).length;
    lines.push(
      `  ${side}  wall ${summary(wall[side], "s", 0)}`,
      `  ${"".padEnd(side.length)}  CPU  ${summary(
        counted.map((r) => r.cpuS),
        "s",
        0,
      )}; tests passed ${counted.map((r) => r.tests).join(", ")}; within ${goal} s in ${met} of ${counted.length} rounds`,
      `  ${"".padEnd(side.length)}  per suite, median s: ${suiteMedians(counted.map((r) => r.suites))
        .map(([name, s]) => `${name} ${s.toFixed(0)}`)
        .join(", ")}`,
    );
  }
  for (const side of sides.slice(1)) lines.push(`  ${ratioLine(`${side}/${sides[0]}`, wall[side], wall[sides[0]])}`);
  lines.push(`done: ${machineLine()}`);
  console.log(lines.join("\n"));
}

if (require.main === module) void runScript(USAGE, main);

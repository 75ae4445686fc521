/**
 * Where each end-to-end suite's time goes: run the suite with CDC_ROUTING_TIMINGS=<file> and jest's --json
 * --outputFile=<json>, then `npm run bench:e2e-timings -- <json> <file>`. Per suite: its wall time, and the time
 * spent starting each engine (to ready), in terraform, in `npx` commands (synth, cdktf, review tools) and in Flink
 * jobs, each attributed to the test file it ran for. The parts may overlap (a statement's JVM starts
 * while terraform waits for it), so they need not add up to the wall time.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import type { Timing } from "../lib/timings";

const USAGE = `usage: npm run bench:e2e-timings -- <jest --json output> <CDC_ROUTING_TIMINGS file>

Per e2e suite: wall time, engine start-up, terraform, npx commands and Flink jobs.`;

export interface SuiteRun {
  name: string;
  startTime: number;
  endTime: number;
}

export interface SuiteTimes {
  suite: string;
  wallS: number;
  /** Seconds per column (engine start-up, terraform, npx, flink). */
  parts: Record<string, number>;
  /** Each label's count and seconds within its column, largest first. */
  detail: string[];
}

/** A suite's name: its test file's name without `.e2e.ts`. */
export function suiteName(file: string): string {
  return basename(file).replace(/\.e2e\.ts$/, "");
}

export const COLUMNS = ["engines", "terraform", "npx", "flink"] as const;

/** The column a timing belongs to. */
export function columnOf(t: Timing): (typeof COLUMNS)[number] | undefined {
  if (t.kind === "service" || t.kind === "setup") return "engines";
  if (t.kind === "flink") return "flink";
  if (t.label.startsWith("terraform")) return "terraform";
  if (t.label.startsWith("npx")) return "npx";
  return undefined;
}

export function suiteTimes(runs: readonly SuiteRun[], timings: readonly Timing[]): SuiteTimes[] {
  return [...runs]
    .sort((a, b) => b.endTime - b.startTime - (a.endTime - a.startTime))
    .map((r) => {
      // By the test file recorded with each timing; older records (without one) by the suite's time window.
      const mine = timings.filter((t) =>
        t.suite ? t.suite === r.name : t.start >= r.startTime && t.start < r.endTime,
      );
      const parts = Object.fromEntries(COLUMNS.map((c) => [c, 0])) as Record<string, number>;
      const byLabel = new Map<string, { n: number; s: number }>();
      for (const t of mine) {
        const column = columnOf(t);
        if (!column) continue;
        parts[column] += t.ms / 1000;
        const entry = byLabel.get(t.label) ?? { n: 0, s: 0 };
        byLabel.set(t.label, { n: entry.n + 1, s: entry.s + t.ms / 1000 });
      }
      const detail = [...byLabel]
        .sort(([, a], [, b]) => b.s - a.s)
        .map(([label, { n, s }]) => `${label} ${n}x ${s.toFixed(1)} s`);
      return {
        suite: suiteName(r.name),
        wallS: (r.endTime - r.startTime) / 1000,
        parts,
        detail,
      };
    });
}

export function timesTable(rows: readonly SuiteTimes[]): string {
  const header = `| suite | wall s | ${COLUMNS.join(" s | ")} s | largest parts |`;
  const rule = `|${" --- |".repeat(COLUMNS.length + 3)}`;
  const lines = rows.map(
    (r) =>
      `| ${r.suite} | ${r.wallS.toFixed(0)} | ${COLUMNS.map((c) => r.parts[c].toFixed(0)).join(" | ")} | ${r.detail.slice(0, 4).join("; ")} |`,
  );
  return [header, rule, ...lines].join("\n");
}

async function main(args: string[]): Promise<void> {
  const { positionals } = parseCommandLine(args, {}, 2);
  if (positionals.length !== 2) throw new UsageError("give the jest --json output and the timings file");
  const results = JSON.parse(readFileSync(positionals[0], "utf8")) as {
    testResults: { name: string; startTime: number; endTime: number }[];
  };
  const timings = readFileSync(positionals[1], "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Timing);
  const rows = suiteTimes(results.testResults, timings);
  console.log(timesTable(rows));
  const wall =
    (Math.max(...results.testResults.map((r) => r.endTime)) -
      Math.min(...results.testResults.map((r) => r.startTime))) /
    1000;
  console.log(`\n${rows.length} suites, ${wall.toFixed(0)} s from the first suite's start to the last one's end`);
}

if (require.main === module) void runScript(USAGE, main);

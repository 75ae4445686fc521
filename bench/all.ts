/**
 * npm run bench — every figure docs/performance.md quotes, from one run on this machine: the synth ratio, the
 * CLI's times (compiled against tsx), the SQL bench, the routing ratio (real engines), and the wall time of the unit
 * and integration suites (alternating: a warm-up run each, then BENCH_SUITE_ROUNDS (3) runs each) and of the
 * end-to-end suite (one run: it takes minutes).
 * Progress goes to stderr; the report, headed by the machine and the date, to stdout.
 */
import { spawn } from "node:child_process";
import { parseCommandLine, runScript } from "../lib/command-line";
import { InputError } from "../lib/errors";
import { alternate, machineLine, progress, summary } from "./stats";

const USAGE = `usage: npm run bench     (BENCH_SUITE_ROUNDS=<runs of the unit and integration suites>, default 3)

Every figure docs/performance.md quotes, from one run on this machine: synth ratio, CLI times, SQL bench, routing
ratio (real engines), unit, integration and end-to-end suite wall times, headed by the machine and the date. Takes
many minutes.`;

const SUITE_ROUNDS = Number(process.env.BENCH_SUITE_ROUNDS ?? 3);

interface Finished {
  code: number | null;
  stdout: string;
  seconds: number;
}

/** Runs a command with stdout captured and stderr shown (its progress), timing its wall clock. */
function run(command: string, args: string[]): Promise<Finished> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

async function bench(script: string): Promise<string> {
  progress(`running ${script}`);
  const result = await run(process.execPath, ["bin/run.js", script]);
  if (result.code !== 0) throw new InputError(`${script} failed (exit ${result.code}):\n${result.stdout}`);
  return result.stdout.trimEnd();
}

async function suiteSeconds(script: string): Promise<number> {
  const result = await run("npm", ["run", "-s", script]);
  if (result.code !== 0)
    throw new InputError(
      `npm run ${script} failed (exit ${result.code}); a wall time of a failing suite means nothing`,
    );
  return result.seconds;
}

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  const report = [`npm run bench  ${machineLine()}`];
  for (const script of ["bench/synth.ts", "bench/cli.ts", "bench/sql.ts", "bench/routing.ts"])
    report.push(await bench(script));
  const suites = await alternate(["test:unit", "test:integration"] as const, (script) => suiteSeconds(script), {
    rounds: SUITE_ROUNDS,
    unit: "s",
  });
  report.push(`suites  wall time (test:unit includes the type check); ${machineLine()}`);
  report.push(`  npm run test:unit         ${summary(suites["test:unit"], "s", 1)}`);
  report.push(`  npm run test:integration  ${summary(suites["test:integration"], "s", 1)}`);
  const e2e = await suiteSeconds("test:e2e");
  report.push(`  npm run test:e2e          ${e2e.toFixed(1)} s (one run)`);
  console.log(report.join("\n"));
}

void runScript(USAGE, main);

/**
 * npm run bench:cli — how fast the command line answers: each target of issue 28 run the compiled way (bin/,
 * bin/run.js: what the scripts, the binary and cdktf.json run), the same without V8's code cache
 * (CDC_ROUTING_CODE_CACHE=off) and the tsx way they ran before, in one run:
 * a warm-up round, then BENCH_ROUNDS (5) alternating rounds. Prints per side the median and spread of the wall
 * time and the median CPU time (user + system, summed over the node processes of a run), and the ratios.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { InputError } from "../lib/errors";
import { TemporaryDirs } from "../local/processes";
import { CDKTF_APPS, type CdktfApp, cdktfSynthReport, cdktfSynthSeconds, withStockMain } from "./cdktf-synth";
import { scaleFiltersYaml, writeScaleInputs } from "./scale-inputs";
import { alternate, machineLine, median, progress, ROUNDS, ratioLine, summary } from "./stats";

const USAGE = `usage: npm run bench:cli [-- --skip-cdktf-synth]     (BENCH_ROUNDS=<rounds>, default 5)

The CLI's wall and CPU time, compiled (with and without V8's code cache) against tsx, alternating: validate of the
shipped filters and of 1,000, synth of dev, synth of every stage at 400 filters, and \`cdktf synth\` against the
stock cdktf template
(--skip-cdktf-synth leaves that out: the stock template's rounds take minutes; bench:synth runs it alone).`;

const ROOT = resolve(__dirname, "..");
const tsx = require.resolve("tsx/cli");
const temporary = new TemporaryDirs();

/** compiled: what the launchers run; uncached: the same without V8's code cache (bin/code-cache.js); tsx: before. */
type Side = "compiled" | "uncached" | "tsx";
const SIDES: readonly Side[] = ["compiled", "uncached", "tsx"];
const SIDE_ENV: Record<Side, NodeJS.ProcessEnv> = {
  compiled: {},
  uncached: { CDC_ROUTING_CODE_CACHE: "off" },
  tsx: {},
};

interface Target {
  name: string;
  /** The compiled side's median wall time must not exceed this (seconds). */
  goal: number;
  commands: Record<"compiled" | "tsx", string[]>;
  env?: NodeJS.ProcessEnv;
}

interface Run {
  wall: number;
  cpu: number;
}

/**
 * Runs a command from the project root; its wall seconds, and the CPU seconds its node processes report at exit
 * (a preload in NODE_OPTIONS, so tsx's child process counts as well).
 */
function timed(command: string[], env: NodeJS.ProcessEnv, probe: string, cpuFile: string): Run {
  writeFileSync(cpuFile, "");
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, command, {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      ...process.env,
      ...env,
      BENCH_CPU_FILE: cpuFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${probe}`,
    },
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new InputError(`${command.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  const cpu = readFileSync(cpuFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .reduce((sum, line) => sum + Number(line), 0);
  return { wall, cpu };
}

async function measure(target: Target, probe: string, cpuFile: string): Promise<Record<Side, Run[]>> {
  const runs: Record<Side, Run[]> = { compiled: [], uncached: [], tsx: [] };
  progress(target.name);
  await alternate(
    SIDES,
    (side) => {
      const run = timed(
        target.commands[side === "tsx" ? "tsx" : "compiled"],
        { ...target.env, ...SIDE_ENV[side] },
        probe,
        cpuFile,
      );
      runs[side].push(run);
      return run.wall;
    },
    { unit: "s" },
  );
  // alternate() counts every round after the warm-up.
  for (const side of SIDES) runs[side].shift();
  return runs;
}

function report(target: Target, runs: Record<Side, Run[]>): string[] {
  const wall = (side: Side) => runs[side].map((r) => r.wall);
  const cpu = (side: Side) => median(runs[side].map((r) => r.cpu)).toFixed(2);
  const compiled = median(wall("compiled"));
  return [
    `  ${target.name}`,
    ...SIDES.map((side) => `    ${side.padEnd(9)} ${summary(wall(side), "s")}; CPU median ${cpu(side)} s`),
    `    ${ratioLine("compiled/tsx", wall("compiled"), wall("tsx"))}; goal compiled <= ${target.goal} s: ${compiled <= target.goal ? "met" : "not met"}`,
    `    ${ratioLine("compiled/uncached", wall("compiled"), wall("uncached"))}`,
  ];
}

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, { "skip-cdktf-synth": { type: "boolean" } });
  const dir = temporary.create("bench-cli");
  const probe = join(dir, "cpu-probe.js");
  writeFileSync(
    probe,
    'process.on("exit", () => { const u = process.cpuUsage(); require("node:fs").appendFileSync(process.env.BENCH_CPU_FILE, `${(u.user + u.system) / 1e6}\\n`); });\n',
  );
  // The binary as it was: tsx's CommonJS hook compiling the sources in process.
  const tsxBin = join(dir, "cdc-routing-tsx.js");
  writeFileSync(
    tsxBin,
    `require(${JSON.stringify(require.resolve("tsx/cjs"))});\nrequire(${JSON.stringify(join(ROOT, "cli", "cdc-routing.ts"))}).main();\n`,
  );
  const thousand = join(dir, "filters-1000.yaml");
  writeFileSync(thousand, scaleFiltersYaml(1000, 20));
  const at400 = writeScaleInputs(dir, 400, 20);
  const out = (name: string) => ({ CDKTF_OUTDIR: join(dir, name) });
  const main = (args: string[]): Target["commands"] => ({
    compiled: ["bin/run.js", "main.ts", ...args],
    tsx: [tsx, "main.ts", ...args],
  });
  const targets: Target[] = [
    {
      name: "cdc-routing validate, the shipped filters/filters.yaml",
      goal: 0.3,
      commands: { compiled: ["bin/cdc-routing.js", "validate"], tsx: [tsxBin, "validate"] },
    },
    {
      name: "cdc-routing validate, 1,000 filters",
      goal: 0.6,
      commands: {
        compiled: ["bin/cdc-routing.js", "validate", "--filters", thousand],
        tsx: [tsxBin, "validate", "--filters", thousand],
      },
    },
    { name: "npm run synth (dev)", goal: 0.6, commands: main([]), env: out("dev") },
    {
      name: "npm run synth:all at 400 filters (dev, staging, prod)",
      goal: 1.5,
      commands: main(["--all"]),
      env: { ...at400.env, ...out("all-400") },
    },
  ];
  const cpuFile = join(dir, "cpu");
  const lines = [
    `bench:cli  wall and CPU time, compiled (with and without the code cache) against tsx; ${machineLine()}`,
  ];
  for (const target of targets) lines.push(...report(target, await measure(target, probe, cpuFile)));
  if (!values["skip-cdktf-synth"]) lines.push(...(await cdktfSynthLines()));
  lines.push(`  ${ROUNDS} rounds per side after a warm-up; ${machineLine()}`);
  console.log(lines.join("\n"));
}

async function cdktfSynthLines(): Promise<string[]> {
  progress("cdktf synth of every stage: compiled, tsx and the stock template");
  const apps = Object.keys(CDKTF_APPS) as CdktfApp[];
  const synth = await withStockMain(() => alternate(apps, cdktfSynthSeconds, { unit: "s" }));
  return ["  cdktf synth of dev, staging, prod (the cdktf CLI around the app)", ...cdktfSynthReport(synth, "    ")];
}

void runScript(USAGE, (args) => main(args).finally(() => temporary.removeAll()));

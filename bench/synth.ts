/**
 * npm run bench:synth — `cdktf synth` of all stages with this project's app (compiled, cdktf.json's; the same with
 * the CLI's deferred modules loaded at once; and the tsx app it replaced) against the stock cdktf TypeScript
 * template's way (ts-node with type-checking, namespace provider imports), in one run: a warm-up round, then
 * BENCH_ROUNDS (5) alternating rounds; prints the median and spread of each side and the ratios of the medians to
 * the stock template's (bench/cdktf-synth.ts).
 */
import { parseCommandLine, runScript } from "../lib/command-line";
import { CDKTF_APPS, type CdktfApp, cdktfSynthReport, cdktfSynthSeconds, withStockMain } from "./cdktf-synth";
import { alternate, machineLine, ROUNDS } from "./stats";

const USAGE = `usage: npm run bench:synth     (BENCH_ROUNDS=<rounds>, default 5)

\`cdktf synth\` of all stages this project's way (compiled; compiled with the CLI's modules loaded at once; tsx)
against the stock cdktf template's way, alternating; prints the ratios.`;

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  const names = Object.keys(CDKTF_APPS) as CdktfApp[];
  const times = await withStockMain(() => alternate(names, cdktfSynthSeconds, { unit: "s" }));
  console.log(`bench:synth  cdktf synth of dev, staging, prod; ${machineLine()}`);
  for (const line of cdktfSynthReport(times, "  ")) console.log(line);
  console.log(`  ${ROUNDS} rounds after a warm-up`);
}

void runScript(USAGE, main);

/**
 * npm run bench:synth — `cdktf synth` of all stages with this project's app (compiled, cdktf.json's; and the tsx
 * app it replaced) against the stock cdktf TypeScript template's way (ts-node with type-checking, namespace
 * provider imports), in one run: a warm-up round, then BENCH_ROUNDS (5) alternating rounds; prints the median and
 * spread of each side and the ratios of the medians to the stock template's (bench/cdktf-synth.ts).
 */
import { parseCommandLine, runScript } from "../lib/command-line";
import { CDKTF_APPS, type CdktfApp, cdktfSynthSeconds, withStockMain } from "./cdktf-synth";
import { alternate, machineLine, ROUNDS, ratioLine, summary } from "./stats";

const USAGE = `usage: npm run bench:synth     (BENCH_ROUNDS=<rounds>, default 5)

\`cdktf synth\` of all stages this project's way (compiled, and tsx) against the stock cdktf template's way,
alternating; prints the ratios.`;

const STOCK: CdktfApp = "stock template (ts-node, namespace imports)";

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  const names = Object.keys(CDKTF_APPS) as CdktfApp[];
  const times = await withStockMain(() => alternate(names, cdktfSynthSeconds, { unit: "s" }));
  console.log(`bench:synth  cdktf synth of dev, staging, prod; ${machineLine()}`);
  for (const name of names) console.log(`  ${name.padEnd(44)} ${summary(times[name], "s")}`);
  for (const name of names.filter((n) => n !== STOCK))
    console.log(`  ${ratioLine(`${name.split(" ")[0]}/stock`, times[name], times[STOCK])}`);
  console.log(`  goal: compiled/stock <= 0.1 (issue 28); ${ROUNDS} rounds after a warm-up`);
}

void runScript(USAGE, main);

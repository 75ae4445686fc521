/**
 * npm run bench:faults — the fault report (docs/reliability.md): API faults on every stage, killed applies, engine
 * crashes while rows flow; one table of fault, trials, lost, duplicated and recovery time, headed by the machine and
 * the date. Each part also runs alone with its own options (bench:faults:api, bench:faults:killed,
 * bench:faults:engines). Progress goes to stderr, the report to stdout.
 */
import { parseCommandLine, runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { stopAll } from "../local/processes";
import { apiFaultTrials } from "./faults/api-faults";
import { engineCrashRows } from "./faults/engine-crashes";
import { killedApplyTrials } from "./faults/killed-apply";
import { type FaultRow, faultTable } from "./faults/report";
import { machineLine, progress } from "./stats";

const PARTS: Record<string, () => Promise<FaultRow[]>> = {
  api: () => apiFaultTrials(),
  killed: async () => (await killedApplyTrials()).rows,
  engines: () => engineCrashRows(),
};

const USAGE = `usage: npm run bench:faults [-- --parts ${Object.keys(PARTS).join(",")}]

The fault report: each part's trials with their default seeds and counts (API faults on every stage, 20 killed
applies plus statement-create kills, each engine crash), then one table. Exit 1 when anything was lost. Long: most
of an hour on 2 cores; a part alone: npm run bench:faults:api | bench:faults:killed | bench:faults:engines.`;

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, { parts: { type: "string" } });
  const parts = (values.parts as string | undefined)?.split(",").filter(Boolean) ?? Object.keys(PARTS);
  const unknown = parts.find((p) => !PARTS[p]);
  if (unknown) throw new UsageError(`unknown part '${unknown}'; expected some of: ${Object.keys(PARTS).join(", ")}`);
  const started = machineLine();
  const rows: FaultRow[] = [];
  for (const part of parts) {
    progress(`fault report: ${part}`);
    rows.push(...(await PARTS[part]()));
  }
  console.log(`bench:faults  started ${started}\n  finished ${machineLine()}\n`);
  console.log(faultTable(rows));
  if (rows.some((r) => r.lost > 0)) process.exitCode = 1;
}

// An engine a failed trial left running is stopped, and nothing (a Kafka client, a timer) keeps the report from ending.
void runScript(USAGE, main, { cleanup: stopAll, exit: true });

/**
 * Where a test run's time goes: with CDC_ROUTING_TIMINGS naming a file, each started service's time to ready and
 * each command's wall time is appended to it as one JSON line ({kind, label, start, ms}); bench/e2e-timings.ts
 * adds them up per suite. Without the variable nothing is written.
 */
import { appendFileSync } from "node:fs";

export interface Timing {
  kind: string;
  label: string;
  /** Epoch ms at the start. */
  start: number;
  ms: number;
  /** The test file it ran for, under jest (suites run side by side in workers: the time alone does not tell). */
  suite?: string;
}

/** The running test file under jest (its expect is this module's global there), else undefined. */
function currentTestPath(): string | undefined {
  const jestExpect = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect;
  return jestExpect?.getState?.().testPath;
}

export function recordTiming(kind: string, label: string, start: number, end = Date.now()): void {
  const file = process.env.CDC_ROUTING_TIMINGS;
  if (!file) return;
  const timing: Timing = { kind, label, start, ms: end - start, suite: currentTestPath() };
  appendFileSync(file, `${JSON.stringify(timing)}\n`);
}

/** What a command is, for the table: `terraform apply`, `node bin/run.js main.ts`, `npx cdktf deploy`. */
export function commandLabel(command: string, args: readonly string[]): string {
  // An entry point run compiled (lib/run.ts runEntryPoint) is named by its entry, not by node's and run.js's paths.
  if (args[0]?.endsWith("/bin/run.js")) return `node bin/run.js ${args[1] ?? ""}`.trim();
  const words = [command, ...args.filter((a) => !a.startsWith("-"))];
  const take = command === "npx" ? (words[1] === "tsx" || words[1] === "cdktf" ? 3 : 2) : 2;
  return words.slice(0, take).join(" ");
}

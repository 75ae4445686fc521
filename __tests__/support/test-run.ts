/**
 * Every suite's run (unit, integration, e2e) gets an id, which prefixes its temp dirs, and a ledger of the
 * processes it starts; at the end, nothing it started may still run and nothing with its prefix may remain in the
 * system temp dir. Other runs on the machine are not looked at.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { finishRun, ledgerOf, leftoverTempEntries, startRun } from "../../local/leftovers";
import { testRunTerraformSettings } from "../../providers/mirror";

/** Called by a suite's global setup: test files read the id and ledger from process.env. */
export function beginTestRun(suite: string): void {
  const run = startRun(`${suite}${process.pid}${randomBytes(3).toString("hex")}`);
  process.env.CDC_ROUTING_RUN_ID = run.runId;
  process.env.CDC_ROUTING_PID_LEDGER = run.file;
  // Inherited by every terraform and provider the run starts.
  Object.assign(process.env, testRunTerraformSettings(process.env));
}

/**
 * Called by a suite's global teardown; false when CDC_ROUTING_KEEP_TMP kept everything. A test file that fails while jest collects it never runs its afterAll, so
 * what it made is removed here; anything left is named and fails the run, as a leak is a bug.
 */
export function endTestRun(suite: string): boolean {
  const { CDC_ROUTING_RUN_ID: runId, CDC_ROUTING_PID_LEDGER: ledger } = process.env;
  if (!runId || !ledger)
    throw new Error(`the ${suite} global setup did not run (no CDC_ROUTING_RUN_ID / CDC_ROUTING_PID_LEDGER)`);
  if (process.env.CDC_ROUTING_KEEP_TMP) return false; // kept for debugging on purpose
  const leftovers = finishRun(ledgerOf(runId, ledger));
  for (const entry of leftoverTempEntries(runId)) rmSync(entry, { recursive: true, force: true });
  if (leftovers.length > 0) {
    throw new Error(`the ${suite} run left things behind (temp entries now removed):\n  ${leftovers.join("\n  ")}`);
  }
  return true;
}

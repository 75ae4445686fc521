/**
 * After every end-to-end suite: nothing this run started may still run, and nothing with this run's prefix
 * may remain in the system temp dir (JVMs keep their temp files inside the harness's dirs). Other runs on the
 * machine are not looked at.
 */
import { finishRun, ledgerOf } from "../../local/leftovers";

export default async function globalTeardown(): Promise<void> {
  const { CDC_ROUTING_RUN_ID: runId, CDC_ROUTING_PID_LEDGER: ledger } = process.env;
  if (!runId || !ledger)
    throw new Error("the e2e global setup did not run (no CDC_ROUTING_RUN_ID / CDC_ROUTING_PID_LEDGER)");
  if (process.env.CDC_ROUTING_KEEP_TMP) return; // kept for debugging on purpose
  const leftovers = finishRun(ledgerOf(runId, ledger));
  if (leftovers.length > 0) throw new Error(`the end-to-end run left things behind:\n  ${leftovers.join("\n  ")}`);
  process.stderr.write("e2e run: every process it started has stopped, and it left nothing in the temp dir\n");
}

/**
 * After every end-to-end suite: nothing this run started may still run, and nothing with this run's prefix
 * may remain in the system temp dir (JVMs keep their temp files inside the harness's dirs). Other runs on the
 * machine are not looked at.
 */
import { endTestRun } from "../support/test-run";

export default async function globalTeardown(): Promise<void> {
  if (endTestRun("end-to-end"))
    process.stderr.write("e2e run: every process it started has stopped, and it left nothing in the temp dir\n");
}

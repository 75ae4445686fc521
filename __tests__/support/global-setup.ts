/** The unit and integration suites' global setup: the run's id and process ledger (support/test-run.ts). */
import { beginTestRun } from "./test-run";

export default function globalSetup(): void {
  beginTestRun("tests");
}

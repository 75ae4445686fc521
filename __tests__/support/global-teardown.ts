/** The unit and integration suites' global teardown: nothing of the run may remain (support/test-run.ts). */
import { endTestRun } from "./test-run";

export default function globalTeardown(): void {
  endTestRun("tests");
}

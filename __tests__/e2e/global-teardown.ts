/**
 * After every end-to-end suite: the Kafka brokers and Flink runners shared between suites are stopped
 * (local/worker-slots.ts); then
 * nothing this run started may still run, and nothing with this run's prefix
 * may remain in the system temp dir (JVMs keep their temp files inside the harness's dirs). Other runs on the
 * machine are not looked at.
 */
import { rmSync } from "node:fs";
import { SHARED_ENGINES_ENV, stopSharedEngines } from "../../local/worker-slots";
import { endTestRun } from "../support/test-run";

export default async function globalTeardown(): Promise<void> {
  const shared = process.env[SHARED_ENGINES_ENV];
  if (shared) {
    const { kafka, flink } = await stopSharedEngines(shared);
    process.stderr.write(
      `e2e run: stopped the ${kafka} Kafka brokers and ${flink} Flink runners its workers shared between suites\n`,
    );
    rmSync(shared, { recursive: true, force: true });
  }
  if (endTestRun("end-to-end"))
    process.stderr.write("e2e run: every process it started has stopped, and it left nothing in the temp dir\n");
}

/**
 * After every end-to-end suite: the Kafka brokers shared between suites are stopped (local/shared-broker.ts); then
 * nothing this run started may still run, and nothing with this run's prefix
 * may remain in the system temp dir (JVMs keep their temp files inside the harness's dirs). Other runs on the
 * machine are not looked at.
 */
import { rmSync } from "node:fs";
import { SHARED_BROKERS_ENV, stopSharedBrokers } from "../../local/shared-broker";
import { endTestRun } from "../support/test-run";

export default async function globalTeardown(): Promise<void> {
  const brokers = process.env[SHARED_BROKERS_ENV];
  if (brokers) {
    const stopped = await stopSharedBrokers(brokers);
    process.stderr.write(`e2e run: stopped the ${stopped} Kafka brokers its workers shared between suites\n`);
    rmSync(brokers, { recursive: true, force: true });
  }
  if (endTestRun("end-to-end"))
    process.stderr.write("e2e run: every process it started has stopped, and it left nothing in the temp dir\n");
}

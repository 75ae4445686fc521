/**
 * Before any end-to-end suite: Java must be there and the pinned jars fetched (first run: Maven downloads with
 * progress). A missing Java, Maven or jar fails the run here, loudly; nothing is skipped. The run gets an id
 * (its temp dirs' prefix) and a ledger of the processes it starts, which the teardown checks. The engines' class data
 * sharing archives are written first where they are missing (local/engine-archives.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeEngineArchives } from "../../local/engine-archives";
import { ensureAll } from "../../local/jars";
import { javaCommand, QUICK_JVMS_ENV, temporaryPrefix } from "../../local/processes";
import { SHARED_ENGINES_ENV } from "../../local/worker-slots";
import { beginTestRun } from "../support/test-run";

export default async function globalSetup(): Promise<void> {
  javaCommand();
  await ensureAll();
  beginTestRun("e2e");
  // One Kafka broker and one Flink runner per worker, kept between its suites (local/worker-slots.ts); the teardown
  // stops them.
  process.env[SHARED_ENGINES_ENV] = mkdtempSync(join(tmpdir(), `${temporaryPrefix()}shared-engines-`));
  // Inherited by the suites' workers: the engines' JVMs start with less CPU (local/processes.ts).
  process.env[QUICK_JVMS_ENV] = "1";
  // With the quick options set: the archives are those of the suites' JVMs.
  await writeEngineArchives();
}

/**
 * Before any end-to-end suite: Java must be there and the pinned jars fetched (first run: Maven downloads with
 * progress). A missing Java, Maven or jar fails the run here, loudly; nothing is skipped. The run gets an id
 * (its temp dirs' prefix) and a ledger of the processes it starts, which the teardown checks.
 */
import { randomBytes } from "node:crypto";
import { ensureAll } from "../../local/jars";
import { startRun } from "../../local/leftovers";
import { javaCommand } from "../../local/processes";

export default async function globalSetup(): Promise<void> {
  javaCommand();
  await ensureAll();
  const run = startRun(`e2e${process.pid}${randomBytes(3).toString("hex")}`);
  // Test files read these from process.env: the harness names its temp dirs and records its processes by them.
  process.env.CDC_ROUTING_RUN_ID = run.runId;
  process.env.CDC_ROUTING_PID_LEDGER = run.file;
}

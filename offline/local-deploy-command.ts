/**
 * `npm run local:deploy`: the stage deployed to a local Confluent (offline/local-deploy.ts), one progress line per
 * step; a failing step is named and its component's own error quoted. Runs until Ctrl-C or `npm run local:down`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { processIo } from "../lib/command-line";
import { InputError } from "../lib/errors";
import { type Progress, printProgress } from "../local/processes";
import { fillMirror, isInMirror, mirrorDir, registryReachable, terraformErrors } from "../providers/mirror";
import { BUILT_PROVIDERS } from "../providers/pins";
import type { StageName } from "../stages/names";
import {
  ExampleConsumers,
  expectedByConsumer,
  insertRows,
  type LocalConfluent,
  LocalStage,
  sampleRows,
  startLocalConfluent,
  tallyLine,
} from "./local-deploy";
import { type LocalDeployRecord, localStatus } from "./local-status";

const STEPS = 6;
const SAMPLE_ROWS = 5000;

export class StepFailed extends InputError {}

function stepper(progress: Progress) {
  let n = 0;
  return async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    n += 1;
    const started = Date.now();
    progress(`step ${n}/${STEPS}: ${what}`);
    try {
      const result = await work();
      progress(`step ${n}/${STEPS} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return result;
    } catch (e) {
      throw new StepFailed(`step ${n}/${STEPS} (${what}) failed: ${(e as Error).message}`);
    }
  };
}

/**
 * terraform must be there; providers missing from the mirror are put there as `npm run providers:mirror` does
 * (seconds from the Terraform registry where it is reachable, else minutes building them, with progress).
 */
async function checkTools(progress: Progress): Promise<void> {
  if (spawnSync("terraform", ["version"], { stdio: "ignore" }).status !== 0)
    throw new InputError("the terraform CLI is not on PATH; install Terraform >= 1.10");
  const missing = BUILT_PROVIDERS.filter((p) => !isInMirror(p));
  if (missing.length === 0) return;
  progress(
    `${missing.map((p) => `${p.source} ${p.version}`).join(", ")} not in the provider mirror ${mirrorDir()}: putting them there (npm run providers:mirror does the same)`,
  );
  await fillMirror(missing, await registryReachable(), mirrorDir(), progress);
}

export async function localDeploy(
  stage: StageName,
  onUp: (record: LocalDeployRecord) => void,
  progress: Progress = printProgress,
): Promise<void> {
  const started = Date.now();
  const step = stepper(progress);
  await checkTools(progress);
  const local: LocalConfluent = await step(
    "start PostgreSQL, Kafka, a Kafka Connect worker and the local Confluent Cloud API",
    () => startLocalConfluent(progress),
  );
  const deployment = new LocalStage(local, stage, join(local.pipeline.workDir, "cdktf.out"));
  await step(
    `npx cdktf deploy ${stage} (providers from the local mirror; topics, schemas, connector and Flink statements on the local engines)`,
    async () => {
      const deployed = await deployment.deploy();
      if (deployed.code !== 0)
        throw new Error(`cdktf deploy exited ${deployed.code}:\n${terraformErrors(deployed.output)}`);
    },
  );
  const deployedMs = Date.now() - started;
  const tag = `local-deploy-${Date.now().toString(36)}`;
  // Enough rows that the rate measures the pipeline, not the first record's latency.
  const rows = sampleRows(local.pipeline.filters, tag, SAMPLE_ROWS);
  const consumers = await step("start the example consumers", () => ExampleConsumers.start(local.pipeline, tag));
  const inserted = Date.now();
  const tallies = await step(`insert ${rows.length} sample rows into PostgreSQL, wait for the consumers`, async () => {
    await insertRows(local.pipeline.postgres, rows);
    return consumers.await(expectedByConsumer(local.pipeline.filters, stage, rows), 180_000, 0);
  });
  const flowMs = Date.now() - inserted;
  await step("check: per consumer expected, received, missing, duplicated", async () => {
    for (const t of tallies) process.stdout.write(`  ${tallyLine(t)}\n`);
  });
  const ok = tallies.every((t) => t.missing.length === 0 && t.duplicated.length === 0 && t.unexpected.length === 0);
  const record: LocalDeployRecord = {
    stage,
    doubleUrl: local.double.url,
    stackDir: deployment.stackDir,
    bootstrapServers: local.pipeline.kafka.bootstrapServers,
  };
  process.stdout.write(
    [
      "",
      `${stage} deployed to the local Confluent in ${(deployedMs / 1000).toFixed(1)} s (start to applied), ${((Date.now() - started) / 1000).toFixed(1)} s with the check; ${rows.length} rows from PostgreSQL to the consumers in ${(flowMs / 1000).toFixed(1)} s: ${((rows.length / flowMs) * 1000).toFixed(0)} rows/s end to end (inserted in batches of 500, until the last routed one was received)`,
      ok ? "every consumer received exactly its events" : "ROUTING DIFFERS from the filters (see above)",
      `  Confluent API  ${local.double.url}   cdktf output and state: ${deployment.dir}`,
      `  Kafka          ${local.pipeline.kafka.bootstrapServers}   PostgreSQL postgresql://postgres@127.0.0.1:${local.pipeline.ports.postgres}/${local.pipeline.stage.source.database}`,
      `  logs           ${local.pipeline.workDir}`,
      "",
    ].join("\n"),
  );
  // Last, what `cdc-routing status` reports of it, through the double, from the real engines.
  await step(`the status of ${stage} (cdc-routing status)`, () => localStatus(record, processIo));
  process.stdout.write("status again: npm run local:status    tear down: npm run local:down (or Ctrl-C here)\n");
  onUp(record);
  await new Promise(() => undefined); // until a signal; processes.ts stops the engines
}

/**
 * The engines' class data sharing archives (local/class-data-sharing.ts), written before a run that starts many
 * engine JVMs (the e2e suites). An archive is otherwise written by the first JVM of its kind to stop, and until then
 * every JVM of that kind starts without one: on a fresh machine that was most of a suite run's first minutes, with
 * four workers starting brokers, Connect workers and Flink JVMs at once, and the writers' exits (seconds each) fell
 * inside the suites. Here each kind starts once, does a little, and stops: a Kafka storage format and broker, a
 * Connect worker on it, a Flink runner and a statement's runner each with the shipped filters' routing job over
 * their sample events on that broker, so the classes a statement's first job loads (the Kafka source and sink, the
 * JSON format, JSON_VALUE, a statement set's filters) are in the Flink archives too, not only the planner's.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sampleEvents } from "../consumers/sample-events";
import { produceEvents } from "../consumers/topic-io";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { distinctFreePorts } from "../lib/ports";
import { STAGE_NAMES } from "../stages/names";
import { archiveDir, CLASS_DATA_SHARING_ENV } from "./class-data-sharing";
import { STATEMENT_JVM } from "./confluent-api/engines";
import { startConnectWorker } from "./connect";
import { FlinkRunner, type FlinkRunOptions, routingStatements } from "./flink";
import { COMPONENTS, componentDir } from "./jars";
import { ensureTopics, type KafkaHandle, startKafka } from "./kafka";
import { javaVersion, type Progress, printProgress, quickStartJvmOptions, TemporaryDirs } from "./processes";

const quiet = () => undefined;

/**
 * The file that says the archives of this Java, these jars and these JVM options were written: another Java, a
 * changed pom or the quick options switched give another name, so the archives are written again.
 */
export function archivesMarker(): string {
  const inputs = [javaVersion(), ...COMPONENTS.map((c) => componentDir(c)), ...quickStartJvmOptions()];
  const hash = createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
  return join(archiveDir(), `engines-${hash}.written`);
}

async function flinkJob(
  temporary: TemporaryDirs,
  options: Omit<FlinkRunOptions, "workDir">,
  script: readonly string[],
): Promise<void> {
  const runner = await FlinkRunner.start({ ...options, workDir: temporary.create("archive-flink") }, quiet);
  try {
    await runner.run([...script]);
  } finally {
    await runner.close();
  }
}

/** The shipped filters' routing (Apache Flink dialect, bounded) over their sample events, put on `kafka`. */
export async function shippedRoutingJob(kafka: KafkaHandle): Promise<string[]> {
  const set = loadFilters(join(__dirname, "..", DEFAULT_FILTERS_FILE), { stages: STAGE_NAMES });
  await ensureTopics(kafka.client, [set.sourceTopic, ...set.filters.map((f) => f.outputTopic)], 1);
  await produceEvents(kafka.client, set.sourceTopic, sampleEvents(set, "archive"));
  return routingStatements(set, { bootstrapServers: kafka.bootstrapServers, bounded: true });
}

/** A broker, then beside each other a Connect worker and both Flink JVMs with the routing job on it. */
async function enginesOnOneBroker(temporary: TemporaryDirs): Promise<void> {
  const [port, controllerPort, restPort] = await distinctFreePorts(3);
  const kafka = await startKafka({ port, controllerPort, workDir: temporary.create("archive-kafka") }, quiet);
  try {
    const connect = async () => {
      const worker = await startConnectWorker(
        { restPort, workDir: temporary.create("archive-connect"), bootstrapServers: kafka.bootstrapServers },
        quiet,
      );
      await worker.service.stop();
    };
    const routing = await shippedRoutingJob(kafka);
    await Promise.all([
      connect(),
      flinkJob(temporary, { config: { "parallelism.default": "1" } }, routing),
      flinkJob(temporary, { ...STATEMENT_JVM, config: { "parallelism.default": "1" } }, routing),
    ]);
  } finally {
    await kafka.service.stop();
  }
}

/** Writes the archives the run's engine JVMs will map, unless this Java, jars and options have them already. */
export async function writeEngineArchives(progress: Progress = printProgress): Promise<void> {
  if (process.env[CLASS_DATA_SHARING_ENV] === "off") return;
  const marker = archivesMarker();
  if (existsSync(marker)) return;
  const started = Date.now();
  progress("writing the engines' class data sharing archives (once per Java, jars and JVM options)");
  const temporary = new TemporaryDirs();
  try {
    await enginesOnOneBroker(temporary);
    mkdirSync(archiveDir(), { recursive: true });
    writeFileSync(marker, "");
    progress(`engines' archives written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    // Only speed is lost: each archive is then written by the first JVM of its kind that stops.
    progress(`WARNING: the engines' archives were not written ahead: ${(error as Error).message}`);
  } finally {
    temporary.removeAll();
  }
}

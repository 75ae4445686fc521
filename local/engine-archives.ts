/**
 * The engines' class data sharing archives (local/class-data-sharing.ts), written before a run that starts many
 * engine JVMs (the e2e suites). An archive is otherwise written by the first JVM of its kind to stop, and until then
 * every JVM of that kind starts without one: on a fresh machine that was most of a suite run's first minutes, with
 * four workers starting brokers, Connect workers and Flink JVMs at once, and the writers' exits (seconds each) fell
 * inside the suites. Here each kind starts once, does a little, and stops: a Kafka storage format and broker, a
 * Connect worker on it, a Flink runner and a statement's runner each with a small job.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { distinctFreePorts } from "../lib/ports";
import { archiveDir, CLASS_DATA_SHARING_ENV } from "./class-data-sharing";
import { STATEMENT_JVM } from "./confluent-api/engines";
import { startConnectWorker } from "./connect";
import { FlinkRunner, type FlinkRunOptions, SMALL_BOUNDED_JOB } from "./flink";
import { COMPONENTS, componentDir } from "./jars";
import { startKafka } from "./kafka";
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

async function flinkJob(temporary: TemporaryDirs, options: Omit<FlinkRunOptions, "workDir">): Promise<void> {
  const runner = await FlinkRunner.start({ ...options, workDir: temporary.create("archive-flink") }, quiet);
  try {
    await runner.run([...SMALL_BOUNDED_JOB]);
  } finally {
    await runner.close();
  }
}

async function kafkaAndConnect(temporary: TemporaryDirs): Promise<void> {
  const [port, controllerPort, restPort] = await distinctFreePorts(3);
  const kafka = await startKafka({ port, controllerPort, workDir: temporary.create("archive-kafka") }, quiet);
  try {
    const worker = await startConnectWorker(
      { restPort, workDir: temporary.create("archive-connect"), bootstrapServers: kafka.bootstrapServers },
      quiet,
    );
    await worker.service.stop();
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
    await Promise.all([
      kafkaAndConnect(temporary),
      flinkJob(temporary, { config: { "parallelism.default": "1" } }),
      flinkJob(temporary, { ...STATEMENT_JVM, config: { "parallelism.default": "1" } }),
    ]);
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

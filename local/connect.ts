/**
 * Kafka Connect standalone running Debezium's Postgres connector with the stage's connector configuration
 * (connectors/postgres-cdc.ts, translated by connectors/debezium-local.ts).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  connectWorkerConfig,
  debeziumConnectorConfig,
  type LocalDatabase,
  propertiesText,
} from "../connectors/debezium-local";
import { cdcConnectorConfig, stageConnectorName } from "../connectors/postgres-cdc";
import type { StageConfig } from "../stages/config";
import type { CapturedTable } from "../stages/tables";
import { sharedClasses } from "./class-data-sharing";
import { classpath } from "./jars";
import { JVM_QUIET_LOGGING } from "./kafka";
import type { PostgresHandle } from "./postgres";
import {
  javaCommand,
  jvmTempOptions,
  type Progress,
  printProgress,
  quickStartJvmOptions,
  type RunningService,
  ServiceFailed,
  startService,
  stopAndRestart,
} from "./processes";

export interface ConnectHandle {
  connectorName: string;
  restUrl: string;
  service: RunningService;
}

export function localConnectorConfig(
  stage: StageConfig,
  tables: readonly CapturedTable[],
  db: LocalDatabase,
): Record<string, string> {
  const managed = cdcConnectorConfig({
    stage: stage.name,
    source: stage.source,
    tables,
    connectorName: stageConnectorName(stage),
    snapshotMode: "initial",
    serviceAccountId: "local",
    databasePassword: "unused",
  });
  return debeziumConnectorConfig(managed.nonsensitive, db);
}

interface ConnectorStatus {
  connector?: { state?: string };
  tasks?: { state?: string; trace?: string }[];
}

async function connectorStatus(restUrl: string, name: string): Promise<ConnectorStatus | undefined> {
  const response = await fetch(`${restUrl}/connectors/${encodeURIComponent(name)}/status`);
  return response.ok ? ((await response.json()) as ConnectorStatus) : undefined;
}

/**
 * A Kafka Connect worker with no connector: the local Confluent API double (local/confluent-api/engines.ts) puts
 * the managed connector on it through its REST API when terraform creates it.
 */
export interface ConnectWorker {
  restUrl: string;
  service: RunningService;
}

export async function startConnectWorker(
  options: WorkerOptions,
  progress: Progress = printProgress,
): Promise<ConnectWorker> {
  const worker = writeWorkerConfig(options);
  const restUrl = `http://127.0.0.1:${options.restPort}`;
  const service = await startService(
    {
      name: "kafka connect worker",
      command: javaCommand(),
      ...sharedClasses(connectArgs(options.workDir, [worker])),
      logFile: join(options.workDir, "connect.log"),
      timeoutMs: 90_000,
      port: options.restPort,
      ready: async () => (await fetch(`${restUrl}/connectors`)).ok,
    },
    progress,
  );
  return { restUrl, service };
}

/** The standalone worker's properties file in workDir (its offsets file beside it); returns its path. */
type WorkerOptions = Omit<Parameters<typeof connectWorkerConfig>[0], "offsetsFile"> & { workDir: string };

function writeWorkerConfig(options: WorkerOptions): string {
  const worker = join(options.workDir, "connect-worker.properties");
  const config = connectWorkerConfig({ ...options, offsetsFile: join(options.workDir, "connect.offsets") });
  writeFileSync(worker, propertiesText(config));
  return worker;
}

function connectArgs(workDir: string, files: string[]): string[] {
  return [
    "-Xmx768m",
    ...quickStartJvmOptions(),
    ...jvmTempOptions(join(workDir, "jvm-tmp", "connect")),
    "-cp",
    classpath("connect"),
    ...JVM_QUIET_LOGGING,
    // The local JSON Schema converter says which schema id each subject's schema got (no secret in it).
    "-Dorg.slf4j.simpleLogger.log.cdcrouting=info",
    "org.apache.kafka.connect.cli.ConnectStandalone",
    ...files,
  ];
}

export async function startConnect(
  options: {
    restPort: number;
    workDir: string;
    bootstrapServers: string;
    connector: Record<string, string>;
    /** Database-side proof that capture streams (the snapshot is done); without it, RUNNING tasks suffice. */
    streaming?: () => Promise<boolean>;
  },
  progress: Progress = printProgress,
): Promise<ConnectHandle> {
  const worker = writeWorkerConfig(options);
  const connectorFile = join(options.workDir, "connector.properties");
  writeFileSync(connectorFile, propertiesText(options.connector));
  const restUrl = `http://127.0.0.1:${options.restPort}`;
  const name = options.connector.name;
  const service = await startService(
    {
      name: "kafka connect (debezium postgres)",
      command: javaCommand(),
      ...sharedClasses(connectArgs(options.workDir, [worker, connectorFile])),
      logFile: join(options.workDir, "connect.log"),
      timeoutMs: 90_000,
      port: options.restPort,
      ready: async () => {
        const status = await connectorStatus(restUrl, name);
        const failed = status?.tasks?.find((t) => t.state === "FAILED");
        if (failed) throw new ServiceFailed(`the CDC connector task failed: ${traceSummary(failed.trace)}`);
        const running =
          status?.connector?.state === "RUNNING" && (status.tasks ?? []).some((t) => t.state === "RUNNING");
        // A task reports RUNNING before its snapshot: a snapshot that fails (e.g. a missing grant) fails later.
        return running && (options.streaming ? await options.streaming() : true);
      },
    },
    progress,
  );
  return { connectorName: name, restUrl, service };
}

/** First line of a Java trace and its root cause (the last "Caused by"), where the useful words usually are. */
export function traceSummary(trace: string | undefined): string {
  const lines = (trace ?? "FAILED").split("\n");
  const root = lines.filter((l) => l.startsWith("Caused by: ")).pop();
  return root ? `${lines[0]} (root cause: ${root.slice("Caused by: ".length)})` : lines[0];
}

/** True once the connector's replication slot is in use: Debezium streams only after its snapshot succeeded. */
export function slotActive(postgres: PostgresHandle, slot: string): () => Promise<boolean> {
  return async () => {
    const client = await postgres.connect();
    try {
      const { rows } = await client.query("SELECT active FROM pg_replication_slots WHERE slot_name = $1", [slot]);
      return rows[0]?.active === true;
    } finally {
      await client.end();
    }
  };
}

/**
 * A crash of the worker (kill -9), then the same worker again; `whileDown` runs in between. A standalone worker
 * keeps its source offsets in its offsets file (flushed every second) but not its connectors, so each connector's
 * config, read before the crash, is put back, as Confluent Cloud restarts a managed connector on a new worker. The
 * connector resumes from its last flushed offset: records after it are sent again (at-least-once).
 */
export async function crashAndRestartWorker(
  worker: ConnectWorker,
  whileDown: () => Promise<void> = async () => undefined,
  progress?: Progress,
): Promise<void> {
  const names = (await (await fetch(`${worker.restUrl}/connectors`)).json()) as string[];
  const configs = await Promise.all(
    names.map(async (name) => {
      const response = await fetch(`${worker.restUrl}/connectors/${encodeURIComponent(name)}/config`);
      return (await response.json()) as Record<string, string>;
    }),
  );
  await stopAndRestart(worker, "SIGKILL", whileDown, progress);
  for (const config of configs) {
    const response = await fetch(`${worker.restUrl}/connectors/${encodeURIComponent(config.name)}/config`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(config),
    });
    if (!response.ok) throw new Error(`Kafka Connect refused ${config.name}'s config again: ${await response.text()}`);
  }
}

/**
 * Restarts the worker's failed connectors and failed tasks (Kafka Connect's REST API, KIP-745:
 * `POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true`), as Confluent Cloud's platform restarts a
 * managed connector's task; returns the connectors it restarted. Kafka Connect itself never restarts a failed task.
 */
export async function restartFailedConnectors(restUrl: string): Promise<string[]> {
  const restarted: string[] = [];
  const names = (await (await fetch(`${restUrl}/connectors`)).json()) as string[];
  for (const name of names) {
    const url = `${restUrl}/connectors/${encodeURIComponent(name)}`;
    const status = (await (await fetch(`${url}/status`)).json()) as ConnectorStatus;
    const failed = [status.connector, ...(status.tasks ?? [])].some((part) => part?.state === "FAILED");
    if (!failed) continue;
    const response = await fetch(`${url}/restart?includeTasks=true&onlyFailed=true`, { method: "POST" });
    if (response.ok) restarted.push(name);
  }
  return restarted;
}

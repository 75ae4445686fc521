/**
 * Kafka Connect standalone running Debezium's Postgres connector with the stage's connector configuration
 * (connectors/postgres-cdc.ts, translated by connectors/debezium-local.ts).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectWorkerConfig, debeziumConnectorConfig, propertiesText, type LocalDatabase } from "../connectors/debezium-local";
import { cdcConnectorConfig } from "../connectors/postgres-cdc";
import type { StageConfig } from "../stages/config";
import { classpath } from "./jars";
import { JVM_QUIET_LOGGING } from "./kafka";
import { javaCommand, printProgress, ServiceFailed, startService, type Progress, type RunningService } from "./processes";

export interface ConnectHandle {
  connectorName: string;
  restUrl: string;
  service: RunningService;
}

export function localConnectorConfig(stage: StageConfig, rawTopic: string, db: LocalDatabase): Record<string, string> {
  const managed = cdcConnectorConfig({
    stage,
    connectorName: `cdc-routing-${stage.name}-postgres-cdc`,
    rawTopic,
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

export async function startConnect(
  options: { restPort: number; workDir: string; bootstrapServers: string; connector: Record<string, string> },
  progress: Progress = printProgress,
): Promise<ConnectHandle> {
  const worker = join(options.workDir, "connect-worker.properties");
  const connectorFile = join(options.workDir, "connector.properties");
  writeFileSync(worker, propertiesText(connectWorkerConfig({ bootstrapServers: options.bootstrapServers, restPort: options.restPort, offsetsFile: join(options.workDir, "connect.offsets") })));
  writeFileSync(connectorFile, propertiesText(options.connector));
  const restUrl = `http://127.0.0.1:${options.restPort}`;
  const name = options.connector.name;
  const service = await startService(
    {
      name: "kafka connect (debezium postgres)",
      command: javaCommand(),
      args: ["-Xmx768m", "-cp", classpath("connect"), ...JVM_QUIET_LOGGING, "org.apache.kafka.connect.cli.ConnectStandalone", worker, connectorFile],
      logFile: join(options.workDir, "connect.log"),
      timeoutMs: 90_000,
      ready: async () => {
        const status = await connectorStatus(restUrl, name);
        const failed = status?.tasks?.find((t) => t.state === "FAILED");
        if (failed) throw new ServiceFailed(`the CDC connector task failed: ${failed.trace?.split("\n")[0]}`);
        return status?.connector?.state === "RUNNING" && (status.tasks ?? []).some((t) => t.state === "RUNNING");
      },
    },
    progress,
  );
  return { connectorName: name, restUrl, service };
}

/** The connector's task state and first trace line, for tests that expect capture to fail. */
export async function taskFailure(handle: ConnectHandle): Promise<string | undefined> {
  const status = await connectorStatus(handle.restUrl, handle.connectorName);
  const failed = status?.tasks?.find((t) => t.state === "FAILED");
  return failed ? (failed.trace ?? "FAILED").split("\n")[0] : undefined;
}

/**
 * The local pipeline: PostgreSQL (logical replication) -> Debezium on Kafka Connect -> Kafka, plus the Flink SQL
 * runner on demand. Used by `npm run local:up`, the end-to-end tests and the benchmark.
 */
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { type FilterSet, sourcesForStage } from "../filters/model";
import { assertPortFree, distinctFreePorts } from "../lib/ports";
import type { StageConfig } from "../stages/config";
import { stageConfig } from "../stages/stages";
import { type CapturedTable, qualifiedName } from "../stages/tables";
import { type ConnectHandle, localConnectorConfig, slotActive, startConnect } from "./connect";
import { ensureAll } from "./jars";
import { ensureTopics, type KafkaHandle, startKafka } from "./kafka";
import { type PostgresHandle, startPostgres } from "./postgres";
import { type Progress, printProgress, settledBoth, stopAll, temporaryDir } from "./processes";
import { type SharedBroker, sharedBroker } from "./shared-broker";
import { createTableSql } from "./source-tables";

export interface PipelinePorts {
  postgres: number;
  kafka: number;
  kafkaController: number;
  connectRest: number;
}

export interface Pipeline {
  stage: StageConfig;
  filters: FilterSet;
  workDir: string;
  ports: PipelinePorts;
  postgres: PostgresHandle;
  kafka: KafkaHandle;
  /** Absent when started with capture: false. */
  connect?: ConnectHandle;
  stop(): Promise<void>;
}

export const DEFAULT_PORTS: PipelinePorts = {
  postgres: 15432,
  kafka: 19092,
  kafkaController: 19093,
  connectRest: 18083,
};

export async function freePorts(): Promise<PipelinePorts> {
  const [postgres, kafka, kafkaController, connectRest] = await distinctFreePorts(4);
  return { postgres, kafka, kafkaController, connectRest };
}

export interface PipelineOptions {
  ports?: PipelinePorts;
  stage?: string;
  filtersFile?: string;
  /** Start Kafka Connect with the CDC connector (default true). */
  capture?: boolean;
  /** Create the stage's publication as the admin (default true; false when a test applies the stack's own). */
  publication?: boolean;
  partitions?: number;
  /** Create the raw and consumer topics (default true; false when terraform creates them through the double). */
  topics?: boolean;
  progress?: Progress;
  /** Runs after the database is ready and before capture starts: its rows arrive as snapshot reads ('r'). */
  beforeCapture?: (postgres: PostgresHandle) => Promise<void>;
  /**
   * In an e2e run, take the jest worker's broker, emptied, instead of starting one (local/shared-broker.ts; default
   * true; false for a suite that crashes its broker). Not with `partitions`, which the broker is started with.
   */
  sharedBroker?: boolean;
}

/** Creates the captured tables the application would own (business_events exists already). */
export async function createSourceTables(pg: PostgresHandle, tables: readonly CapturedTable[]): Promise<void> {
  const client = await pg.connect();
  try {
    for (const table of tables) await client.query(createTableSql(table));
  } finally {
    await client.end();
  }
}

/** Creates the publication the stack's postgresql provider creates in a real stage. */
export async function createPublication(
  pg: PostgresHandle,
  stage: StageConfig,
  tables: readonly CapturedTable[],
): Promise<void> {
  const client = await pg.connect();
  try {
    await client.query(
      `CREATE PUBLICATION ${stage.source.publicationName} FOR TABLE ${tables.map(qualifiedName).join(", ")}`,
    );
  } finally {
    await client.end();
  }
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const progress = options.progress ?? printProgress;
  const ports = options.ports ?? DEFAULT_PORTS;
  const stage = stageConfig((options.stage ?? "dev") as Parameters<typeof stageConfig>[0]);
  const filters = loadFilters(options.filtersFile ?? DEFAULT_FILTERS_FILE);
  for (const [what, port] of Object.entries(ports)) await assertPortFree(port, what);
  await ensureAll(progress);
  const workDir = temporaryDir("local");
  const tables = sourcesForStage(filters, stage.name);
  let shared: SharedBroker | undefined;
  const stop = async () => {
    await stopAll();
    shared?.release();
  };
  try {
    // PostgreSQL and Kafka do not need each other: they start side by side, and capture starts once both are up.
    const [postgres, kafka] = await settledBoth(
      (async () => {
        const pg = await startPostgres({ port: ports.postgres, workDir, database: stage.source.database }, progress);
        await createSourceTables(pg, tables);
        if (options.publication !== false) await createPublication(pg, stage, tables);
        return pg;
      })(),
      (async () => {
        if (options.sharedBroker !== false && options.partitions === undefined) shared = await sharedBroker(progress);
        const broker =
          shared?.kafka ??
          (await startKafka(
            { port: ports.kafka, controllerPort: ports.kafkaController, workDir, partitions: options.partitions },
            progress,
          ));
        if (options.topics !== false)
          await ensureTopics(
            broker.client,
            [...tables.map((t) => t.rawTopic), ...filters.filters.map((f) => f.outputTopic)],
            options.partitions ?? 3,
          );
        return broker;
      })(),
    );
    await options.beforeCapture?.(postgres);
    const connect =
      options.capture === false
        ? undefined
        : await startConnect(
            {
              restPort: ports.connectRest,
              workDir,
              bootstrapServers: kafka.bootstrapServers,
              connector: localConnectorConfig(stage, tables, {
                host: "127.0.0.1",
                port: ports.postgres,
                user: "postgres",
                database: stage.source.database,
              }),
              streaming: slotActive(postgres, stage.source.slotName),
            },
            progress,
          );
    return { stage, filters, workDir, ports: { ...ports, ...shared?.ports }, postgres, kafka, connect, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The real engines behind the local Confluent Cloud API double (store.ts, Engines): what Confluent Cloud runs
 * behind its API, run here by the local harness's processes.
 * - topics and their configs: Kafka's admin API on the local broker;
 * - the managed connector: translated by connectors/debezium-local.ts and put on the local Kafka Connect worker,
 *   its JSON_SR values written by the local JSON Schema converter into the environment's Schema Registry on the
 *   double (connect.ts mints the converter's key); it counts as running once its task runs and its replication
 *   slot streams, and a failure is reported with Kafka Connect's own words (the validation errors, or the task
 *   trace's root cause, e.g. a schema the registry refused);
 * - each statement: its exact text in its own Flink JVM (one job per statement, as Confluent runs them), over the
 *   tables Confluent infers from the registered value schemas (flink-sql/inferred-table.ts), in the catalog and
 *   database its properties name. Stop is a stop with savepoint; a statement that carries over from a stopped
 *   one, or is resumed, starts from that savepoint's source positions.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { debeziumConnectorConfig, type LocalDatabase, type LocalSchemaRegistry } from "../../connectors/debezium-local";
import { endOffsets, withAdmin } from "../../consumers/topic-io";
import { inferredCatalogScript } from "../../flink-sql/inferred-table";
import type { Json } from "../../lib/json";
import { getOrThrow } from "../../lib/maps";
import { sleep } from "../../lib/run";
import { slotActive, traceSummary } from "../connect";
import { FlinkRunner } from "../flink";
import type { KafkaHandle } from "../kafka";
import type { Pipeline } from "../pipeline";
import type { Progress } from "../processes";
import { sharedFlinkRunner } from "../shared-flink";
import type { EngineStatement, Engines } from "./store";

export interface LocalEngineOptions {
  kafka: KafkaHandle;
  /** REST URL of a Kafka Connect worker started without connectors (local/connect.ts startConnectWorker). */
  connectRestUrl: string;
  database: LocalDatabase;
  /** Database-side proof that the connector streams (its replication slot is active). */
  streaming?: (slot: string) => Promise<boolean>;
  workDir: string;
  progress: Progress;
  /** How long a connector may take to reach RUNNING. @default 180 s */
  connectorTimeoutMs?: number;
}

/** Same uids in a statement and its successor: each is the first plan of its own JVM (statement-evolution.e2e.ts). */
const UIDS = "SET 'table.exec.uid.generation' = 'ALWAYS'";

type Job = Awaited<ReturnType<FlinkRunner["submit"]>>;

/**
 * A statement's JVM: the client compiler and the serial collector, as a statement's JVM spends its start compiling
 * the plan on a shared machine, where this start is 15-30% faster (measured with two statement sets).
 */
export const STATEMENT_JVM = { heap: "512m", jvmOptions: ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"] } as const;

/**
 * Flink options of every statement's job, set by its script: the same in a JVM of its own and in a runner shared
 * between e2e suites (local/shared-flink.ts).
 */
export const STATEMENT_CONFIG: Readonly<Record<string, string>> = {
  // Checkpoints on, kept on disk (each statement's own folder, set by its script): Confluent Cloud checkpoints every
  // statement and recovers a failed one from its last checkpoint ("Delivery Guarantees and Latency",
  // https://docs.confluent.io/cloud/current/flink/concepts/delivery-guarantees.html); recoverStatement.
  "execution.checkpointing.interval": "5s",
  "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
  // A job that cannot process its input fails after two restarts, so its statement turns FAILED with the cause
  // (statement-health.ts), as Confluent's fail on a record they cannot read.
  "restart-strategy.type": "fixed-delay",
  "restart-strategy.fixed-delay.attempts": "2",
  "restart-strategy.fixed-delay.delay": "1 s",
};

/** The script a statement runs: its catalog and database, every topic with a value schema as its inferred table. */
export function statementScript(s: EngineStatement, bootstrapServers: string, savepoint?: string): string[] {
  return [
    UIDS,
    ...(savepoint
      ? [
          `SET 'execution.state-recovery.path' = '${savepoint}'`,
          // The predecessor's sink state belongs to its own writers; only the source positions carry over.
          "SET 'execution.state-recovery.ignore-unclaimed-state' = 'true'",
        ]
      : []),
    ...Object.entries(STATEMENT_CONFIG).map(([key, value]) => `SET '${key}' = '${value}'`),
    // Exactly-once as on Confluent Cloud: a recovered job aborts what its crashed run left open under the same
    // prefix (the statement's name); a carried-over successor writes under its own.
    ...inferredCatalogScript(s, { bootstrapServers, transactionalIdPrefix: s.name }),
    s.sql,
  ];
}

/** Source topics a statement reads (`FROM \`topic\``), for its latest offsets. */
export function sourceTopics(sql: string): string[] {
  return [...new Set([...sql.matchAll(/\bFROM\s+`([^`]+)`/gi)].map((m) => m[1]))].sort();
}

/**
 * The newest completed checkpoint under a job's checkpoint directory (`<dir>/<job id>/chk-<n>/_metadata`, Flink's
 * layout), over every job that wrote there; undefined when none completed.
 */
export function latestCheckpoint(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const completed = readdirSync(dir).flatMap((job) =>
    existsSync(join(dir, job)) && statSync(join(dir, job)).isDirectory()
      ? readdirSync(join(dir, job))
          .filter((c) => /^chk-\d+$/.test(c) && existsSync(join(dir, job, c, "_metadata")))
          .map((c) => join(dir, job, c))
      : [],
  );
  // Newest by completion: a recovered job numbers its checkpoints on from the one it restored.
  return completed
    .sort((a, b) => statSync(join(a, "_metadata")).mtimeMs - statSync(join(b, "_metadata")).mtimeMs)
    .pop();
}

/** Confluent's latest_offsets format: `partition:0,offset:N;partition:1,offset:M`. */
export function offsetsText(offsets: { partition: number; offset: string }[]): string {
  return [...offsets]
    .sort((a, b) => a.partition - b.partition)
    .map((o) => `partition:${o.partition},offset:${o.offset}`)
    .join(";");
}

/** `setting: message` for each setting Kafka Connect's validation flags. */
export function validationErrors(
  answer: { configs?: { value: { name: string; errors: string[] } | null }[] } | undefined,
): string[] {
  // Settings a plugin defines but the config does not name come back with `value: null`.
  return (answer?.configs ?? []).flatMap(({ value }) => (value ? value.errors.map((e) => `${value.name}: ${e}`) : []));
}

/**
 * Whether Kafka Connect's tasks (GET /connectors/{name}/tasks) run with every setting of `config`. Kafka Connect
 * answers a config PUT before it reconfigures the tasks, and until then the old tasks report RUNNING with the old
 * settings (a record written meanwhile is converted as before the update).
 */
export function tasksRunWith(tasks: unknown, config: Record<string, string>): boolean {
  if (!Array.isArray(tasks) || tasks.length === 0) return false;
  return tasks.every((t: { config?: Record<string, string> }) =>
    Object.entries(config).every(([k, v]) => t.config?.[k] === v),
  );
}

async function connectRequest(url: string, method: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

export class LocalEngines implements Engines {
  private readonly jobs = new Map<
    string,
    { runner: FlinkRunner; job: Job; sources: string[]; statement: EngineStatement }
  >();
  /**
   * Statement JVMs whose statement stopped or was deleted, kept for the next statement to start: each JVM runs one
   * statement at a time, so a crash (kill -9 of its JVM) still takes down that statement alone.
   */
  private readonly idleRunners: FlinkRunner[] = [];
  private runnersStarted = 0;
  private readonly savepoints = new Map<string, string>();

  constructor(private readonly o: LocalEngineOptions) {}

  async createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<void> {
    await withAdmin(this.o.kafka.client, async (admin) => {
      if ((await admin.listTopics()).includes(name)) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: name,
            numPartitions: partitions,
            replicationFactor: 1,
            configEntries: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
          },
        ],
      });
    });
    this.o.progress(`topic ${name} created on the local broker (${partitions} partitions)`);
  }

  async addPartitions(name: string, count: number): Promise<void> {
    await withAdmin(this.o.kafka.client, (admin) =>
      admin.createPartitions({ topicPartitions: [{ topic: name, count }] }),
    );
  }

  async deleteTopic(name: string): Promise<void> {
    await withAdmin(this.o.kafka.client, (admin) => admin.deleteTopics({ topics: [name] }));
  }

  async startConnector(managed: Record<string, string>, registry?: LocalSchemaRegistry): Promise<void> {
    // The managed connector's database password is for the cloud database; the local one has its own login.
    const { "database.password": _password, ...settings } = managed;
    // With a registry its JSON_SR values go through the local JSON Schema converter, registering as Confluent's does.
    const local = debeziumConnectorConfig(settings, this.o.database, registry);
    const url = `${this.o.connectRestUrl}/connectors/${encodeURIComponent(local.name)}`;
    // Kafka Connect's own validation first: its per-setting errors are the root cause a user needs.
    const plugin = encodeURIComponent(local["connector.class"]);
    const validation = await connectRequest(
      `${this.o.connectRestUrl}/connector-plugins/${plugin}/config/validate`,
      "PUT",
      local,
    );
    const errors = validationErrors(validation.json);
    if (validation.status >= 400 || errors.length > 0)
      throw new Error(`Kafka Connect rejected the connector config: ${errors.join("; ") || validation.json?.message}`);
    const put = await connectRequest(`${url}/config`, "PUT", local);
    if (put.status >= 400)
      throw new Error(`Kafka Connect refused the connector config: ${put.json?.message ?? JSON.stringify(put.json)}`);
    this.o.progress(`connector ${local.name} submitted to the local Kafka Connect worker`);
    const deadline = Date.now() + (this.o.connectorTimeoutMs ?? 180_000);
    while (Date.now() < deadline) {
      // The tasks first: once they carry this config the old ones have stopped, so RUNNING is the new ones'.
      const configured = tasksRunWith((await connectRequest(`${url}/tasks`, "GET")).json, local);
      const { state, trace } = await this.connectorState(local.name);
      if (state === "FAILED") throw new Error(trace);
      if (configured && state === "RUNNING" && (!this.o.streaming || (await this.o.streaming(local["slot.name"]))))
        return;
      await sleep(500);
    }
    throw new Error(
      `connector ${local.name} did not reach RUNNING with its config and an active replication slot in ${(this.o.connectorTimeoutMs ?? 180_000) / 1000} s`,
    );
  }

  /** Connector and task state as one: FAILED if either failed (with the root cause), RUNNING once both run. */
  async connectorState(name: string): Promise<{ state: string; trace: string }> {
    const { status, json } = await connectRequest(
      `${this.o.connectRestUrl}/connectors/${encodeURIComponent(name)}/status`,
      "GET",
    );
    if (status === 404) return { state: "PROVISIONING", trace: "" };
    if (status >= 400) throw new Error(`Kafka Connect status of ${name}: ${json?.message ?? status}`);
    const parts = [json.connector, ...(json.tasks ?? [])] as { state: string; trace?: string }[];
    const failed = parts.find((p) => p.state === "FAILED");
    if (failed) return { state: "FAILED", trace: traceSummary(failed.trace) };
    const running =
      json.connector?.state === "RUNNING" && (json.tasks ?? []).some((t: { state: string }) => t.state === "RUNNING");
    return { state: running ? "RUNNING" : json.connector?.state === "PAUSED" ? "PAUSED" : "PROVISIONING", trace: "" };
  }

  /**
   * Deletes the connector and its offsets. On Confluent Cloud offsets belong to the connector: a new one, even
   * under the same name, starts without any ("confluent connect offset delete": "identical to creating a fresh
   * new connector"). Kafka Connect keeps them by name, so they go first (KIP-875: stop, then DELETE offsets,
   * accepted once the tasks are gone).
   */
  async deleteConnector(name: string): Promise<void> {
    const url = `${this.o.connectRestUrl}/connectors/${encodeURIComponent(name)}`;
    const stop = await connectRequest(`${url}/stop`, "PUT");
    if (stop.status === 404) return;
    if (stop.status >= 400)
      throw new Error(`Kafka Connect could not stop ${name}: ${stop.json?.message ?? stop.status}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const reset = await connectRequest(`${url}/offsets`, "DELETE");
      if (reset.status < 400) break;
      if (Date.now() > deadline)
        throw new Error(`Kafka Connect did not delete the offsets of ${name}: ${reset.json?.message ?? reset.status}`);
      await sleep(250);
    }
    const { status, json } = await connectRequest(url, "DELETE");
    if (status >= 400 && status !== 404)
      throw new Error(`Kafka Connect could not delete ${name}: ${json?.message ?? status}`);
  }

  async startStatement(s: EngineStatement): Promise<void> {
    // A carried-over statement starts where its predecessor stopped; a resumed one where it stopped itself.
    const from = s.carryOverFrom ?? (this.savepoints.has(s.name) ? s.name : undefined);
    const savepoint = from === undefined ? undefined : this.savepoints.get(from);
    if (from !== undefined && !savepoint)
      throw new Error(`statement ${s.name} carries over from ${from}, which has no savepoint (it never stopped here)`);
    await this.runStatement(s, savepoint);
    this.o.progress(`statement ${s.name} running on Flink${from ? ` (from the savepoint of ${from})` : ""}`);
  }

  /**
   * The statement's job, from a savepoint or checkpoint when given, in a Flink JVM that runs no other statement: an
   * idle one (FlinkSqlRunner numbers every script's plan from the start, so the uids match a fresh JVM's) or a new one.
   */
  private async runStatement(s: EngineStatement, restoreFrom?: string): Promise<void> {
    const checkpoints = `file://${join(this.o.workDir, "statements", s.name, "checkpoints")}`;
    const runner =
      this.idleRunners.pop() ??
      // In an e2e suite the worker's runner when no other statement or suite holds it: its planner is warm.
      (await sharedFlinkRunner(join(this.o.workDir, "statement-scripts"), () => undefined)) ??
      (await this.startStatementRunner());
    try {
      const job = await runner.submit([
        `SET 'execution.checkpointing.dir' = '${checkpoints}'`,
        ...statementScript(s, this.o.kafka.bootstrapServers, restoreFrom),
      ]);
      this.jobs.set(s.name, { runner, job, sources: sourceTopics(s.sql), statement: s });
    } catch (e) {
      await runner.close();
      throw e;
    }
  }

  private startStatementRunner(): Promise<FlinkRunner> {
    return FlinkRunner.start(
      {
        workDir: join(this.o.workDir, "statement-jvms", `jvm-${++this.runnersStarted}`),
        ...STATEMENT_JVM,
        config: { "parallelism.default": "1" },
      },
      () => undefined,
    );
  }

  /** A statement's JVM once its statement ended: kept for the next statement while it runs. */
  private release(runner: FlinkRunner): void {
    if (runner.alive) this.idleRunners.push(runner);
  }

  /**
   * A crash of the statement's Flink JVM (kill -9: job manager and task manager at once). Until recoverStatement its
   * job reports RESTARTING, so the statement shows FAILING, as a Confluent statement whose job is being restarted.
   */
  async crashStatement(name: string): Promise<void> {
    const running = getOrThrow(this.jobs, name);
    await running.runner.kill();
    const restarting = { state: "RESTARTING", message: "the statement's Flink JVM was killed" };
    this.jobs.set(name, {
      ...running,
      job: {
        state: async () => restarting,
        cancel: async () => undefined,
        stopWithSavepoint: () => Promise.reject(new Error(`statement ${name} is recovering`)),
      },
    });
  }

  /** A crashed statement's job started again from its last completed checkpoint; returns that checkpoint's path. */
  async recoverStatement(name: string): Promise<string> {
    const { statement } = getOrThrow(this.jobs, name);
    const checkpoint = latestCheckpoint(join(this.o.workDir, "statements", name, "checkpoints"));
    if (!checkpoint) throw new Error(`statement ${name} has no completed checkpoint to recover from`);
    await this.runStatement(statement, checkpoint);
    this.o.progress(`statement ${name} recovered from ${checkpoint}`);
    return checkpoint;
  }

  /** The running jobs of a statement, for its state (local/confluent-api/statement-health.ts). */
  job(name: string): Job | undefined {
    return this.jobs.get(name)?.job;
  }

  /** Stop with savepoint; the source topics' end offsets at the stop are reported (Flink 2.2 commits none then). */
  async stopStatement(name: string): Promise<Record<string, string>> {
    const running = this.jobs.get(name);
    if (!running) return {};
    this.savepoints.set(name, await running.job.stopWithSavepoint());
    this.jobs.delete(name);
    this.release(running.runner);
    this.o.progress(`statement ${name} stopped with a savepoint`);
    const latest: Record<string, string> = {};
    for (const topic of running.sources) {
      const ends = await endOffsets(this.o.kafka.client, [topic]);
      latest[topic] = offsetsText(
        [...(ends.get(topic) ?? [])].map(([partition, offset]) => ({ partition, offset: String(offset) })),
      );
    }
    return latest;
  }

  async deleteStatement(name: string): Promise<void> {
    const running = this.jobs.get(name);
    this.jobs.delete(name);
    if (running) {
      await running.job.cancel();
      this.release(running.runner);
    }
  }

  /** Stops every statement's Flink JVM (the engines' processes stop with the harness). */
  async close(): Promise<void> {
    for (const name of [...this.jobs.keys()]) await this.deleteStatement(name);
    // Side by side: a JVM that writes its class data sharing archive takes seconds to exit.
    await Promise.all(this.idleRunners.splice(0).map((runner) => runner.close()));
  }
}

/**
 * The engines of a running local pipeline: its Kafka, a Connect worker at `connectRestUrl`, its PostgreSQL as the
 * admin (the connector's replication slot read there), statements under its work directory.
 */
export function pipelineEngines(pipeline: Pipeline, connectRestUrl: string, progress: Progress): LocalEngines {
  return new LocalEngines({
    kafka: pipeline.kafka,
    connectRestUrl,
    database: {
      host: "127.0.0.1",
      port: pipeline.ports.postgres,
      user: "postgres",
      database: pipeline.stage.source.database,
    },
    streaming: (slot) => slotActive(pipeline.postgres, slot)(),
    workDir: pipeline.workDir,
    progress,
  });
}

/**
 * The whole stack deployed to a local Confluent: the local engines (PostgreSQL, Kafka, a Kafka Connect worker,
 * Flink per statement) behind the local Confluent Cloud API double, and a stage applied to it by the real
 * terraform CLI and confluent provider from the local mirror. Used by `npm run local:deploy` and its e2e test.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { consumerGroup } from "../access/grants";
import { type RunningConsumer, startRoutedConsumer } from "../consumers/consumer";
import { sampleEvents } from "../consumers/sample-events";
import { type RawEvent, routeEvent } from "../filters/evaluate";
import type { FilterSet } from "../filters/model";
import { topicsByConsumer } from "../filters/topic-scopes";
import { getOrThrow } from "../lib/maps";
import { freePort } from "../lib/ports";
import { type Run, run, sleep } from "../lib/run";
import { type LocalEngines, pipelineEngines } from "../local/confluent-api/engines";
import { type FaultSettings, faultSettingsFromEnv } from "../local/confluent-api/faults";
import { observeLocalEngines } from "../local/confluent-api/observed-engines";
import { type ConfluentDouble, startConfluentDouble } from "../local/confluent-api/server";
import { type ConnectWorker, startConnectWorker } from "../local/connect";
import { freePorts, type Pipeline, startPipeline } from "../local/pipeline";
import type { PostgresHandle } from "../local/postgres";
import { type Progress, printProgress, startOnFreePorts } from "../local/processes";
import { mirrorDir } from "../providers/mirror";
import type { StageName } from "../stages/names";
import { LOCAL_CONFLUENT_ENV, SENSITIVE_VARIABLES } from "./stack-for-double";

export interface LocalConfluent {
  pipeline: Pipeline;
  /** The Kafka Connect worker the managed connector runs on. */
  worker: ConnectWorker;
  engines: LocalEngines;
  double: ConfluentDouble;
  stop(): Promise<void>;
}

export interface LocalConfluentOptions {
  publication?: boolean;
  /** Take the e2e worker's shared broker (default true; PipelineOptions.sharedBroker). */
  sharedBroker?: boolean;
  /** What the double's per-minute metrics count over (tests shorten it). @default 60 s */
  counterWindowMs?: number;
  /** API faults the double injects (local/confluent-api/faults.ts). @default from CDC_ROUTING_API_FAULTS(_SEED) */
  faults?: FaultSettings;
}

/**
 * Engines on free loopback ports and the double driving them; topics are left to terraform. Started again on other
 * ports when one picked as free was taken meanwhile.
 */
export function startLocalConfluent(progress: Progress, options: LocalConfluentOptions = {}): Promise<LocalConfluent> {
  return startOnFreePorts(() => startOnce(progress, options), printProgress);
}

async function startOnce(progress: Progress, options: LocalConfluentOptions): Promise<LocalConfluent> {
  const pipeline = await startPipeline({
    ports: await freePorts(),
    capture: false,
    topics: false,
    publication: options.publication,
    sharedBroker: options.sharedBroker,
    progress,
  });
  try {
    const worker = await startConnectWorker(
      { restPort: await freePort(), workDir: pipeline.workDir, bootstrapServers: pipeline.kafka.bootstrapServers },
      progress,
    );
    const engines = pipelineEngines(pipeline, worker.restUrl, progress);
    // The double reads the engines for statements' phases, the connector's tasks and the metrics export.
    const observed = observeLocalEngines({
      engines,
      kafka: pipeline.kafka.client,
      connectRestUrl: worker.restUrl,
      counterWindowMs: options.counterWindowMs,
    });
    const double = await startConfluentDouble({
      engines,
      observed,
      log: (line) => progress(`confluent api: ${line}`),
      faults: options.faults ?? faultSettingsFromEnv(process.env),
    });
    progress(`local Confluent Cloud API at ${double.url}`);
    return {
      pipeline,
      worker,
      engines,
      double,
      stop: async () => {
        try {
          if (double.faults) progress(double.faults.summary());
          await double.close();
          await engines.close();
        } finally {
          // The engines stop even when a statement's JVM did not stop cleanly.
          await pipeline.stop();
        }
      },
    };
  } catch (e) {
    await pipeline.stop();
    throw e;
  }
}

/**
 * Terraform CLI configuration that installs every registry.terraform.io provider from the local mirror and never
 * from the network (Terraform's `provider_installation` with a `filesystem_mirror`).
 */
export function terraformCliConfig(mirror: string): string {
  return [
    "provider_installation {",
    `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/*/*"]\n  }`,
    '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }',
    "}",
    "",
  ].join("\n");
}

/**
 * One stage deployed with `npx cdktf deploy <stage>`, as platform engineers deploy it: main.ts synthesizes for the
 * double (LOCAL_CONFLUENT_ENV), cdktf runs terraform init (providers from the mirror through a Terraform CLI
 * configuration) and apply. Its output directory, with the local state, is `dir`.
 */
export class LocalStage {
  private readonly variables = Object.fromEntries(
    SENSITIVE_VARIABLES.map((v) => [`TF_VAR_${v}`, randomBytes(12).toString("hex")]),
  );
  private readonly cliConfig: string;

  constructor(
    readonly local: LocalConfluent,
    readonly stage: StageName,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.cliConfig = join(dir, "terraform.rc");
    writeFileSync(this.cliConfig, terraformCliConfig(mirrorDir()));
  }

  get stackDir(): string {
    return join(this.dir, "stacks", this.stage);
  }

  /**
   * TF_ACC=1: the provider polls every second instead of waiting minutes (see __tests__/e2e/stack-on-double.ts).
   * CDKTF_DISABLE_PLUGIN_CACHE_ENV: cdktf otherwise points terraform at ~/.terraform.d/plugin-cache, which is not
   * safe for two inits at once (hashicorp/terraform#31964; local-deploy's deploy failed with `mkdir ...: file
   * exists` on 2026-12-07, monitoring's init running beside it); the providers come from the mirror (cliConfig)
   * into each stack's own directory.
   */
  private env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...extra,
      ...this.variables,
      [LOCAL_CONFLUENT_ENV]: this.local.double.url,
      TF_CLI_CONFIG_FILE: this.cliConfig,
      TF_ACC: "1",
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
    };
  }

  /**
   * `npx cdktf deploy <stage> --auto-approve`; `env` may name other filters and lock (CDC_ROUTING_FILTERS,
   * CDC_ROUTING_LOCK).
   */
  deploy(env: NodeJS.ProcessEnv = {}): Promise<Run> {
    // --skip-provider-lock: cdktf's `terraform providers lock` asks the public registry for every platform's checksums.
    return run("npx", ["cdktf", "deploy", this.stage, "--auto-approve", "--skip-provider-lock", "--output", this.dir], {
      env: this.env(env),
    });
  }

  /** `npx cdktf diff <stage>`. */
  diff(env: NodeJS.ProcessEnv = {}): Promise<Run> {
    return run("npx", ["cdktf", "diff", this.stage, "--skip-provider-lock", "--output", this.dir], {
      env: this.env(env),
    });
  }

  /** terraform itself in the deployed stack's directory (e.g. a targeted apply of an edited configuration). */
  terraform(...args: string[]): Promise<Run> {
    return run("terraform", [...args, "-no-color"], { cwd: this.stackDir, env: this.env({}) });
  }
}

/**
 * Rows the application would write: the sample events' columns (the connector adds __op 'c' and its own
 * metadata), repeated under new ids up to `count` rows when given.
 */
export function sampleRows(filters: FilterSet, tag: string, count?: number): RawEvent[] {
  const kinds = sampleEvents(filters, tag).filter((e) => e.__op === "c");
  const n = count ?? kinds.length;
  return Array.from({ length: n }, (_, i) => ({ ...kinds[i % kinds.length], id: `${tag}-${i}` }));
}

export async function insertRows(pg: PostgresHandle, rows: readonly RawEvent[]): Promise<void> {
  const client = await pg.connect();
  try {
    // One statement per 500 rows: one transaction each, as an application writing in batches.
    for (let start = 0; start < rows.length; start += 500) {
      const batch = rows.slice(start, start + 500);
      const values = batch
        .map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`)
        .join(", ");
      await client.query(
        `INSERT INTO business_events VALUES ${values}`,
        batch.flatMap((r) => [r.id, r.event_name, r.event_type, r.created_date, r.saved_date, r.event_data]),
      );
    }
  } finally {
    await client.end();
  }
}

export interface ConsumerTally {
  consumer: string;
  expected: number;
  received: number;
  missing: string[];
  duplicated: string[];
  /** Received but not routed to this consumer by the filters. */
  unexpected: string[];
}

/** Per consumer, the ids of `rows` the filters route to it (creates: `<id>/c`). */
export function expectedByConsumer(
  filters: FilterSet,
  stage: string,
  rows: readonly RawEvent[],
): Map<string, string[]> {
  const consumerOf = new Map(filters.filters.map((f) => [f.outputTopic, f.consumer]));
  const expected = new Map([...topicsByConsumer(filters.filters).keys()].map((c) => [c, [] as string[]]));
  for (const row of rows)
    for (const topic of routeEvent(filters, stage, row))
      getOrThrow(expected, getOrThrow(consumerOf, topic)).push(`${row.id}/${row.__op}`);
  return expected;
}

export function tally(expected: Map<string, string[]>, received: Map<string, string[]>): ConsumerTally[] {
  return [...expected].map(([consumer, want]) => {
    const got = received.get(consumer) ?? [];
    const counts = new Map<string, number>();
    for (const id of got) counts.set(id, (counts.get(id) ?? 0) + 1);
    return {
      consumer,
      expected: want.length,
      received: got.length,
      missing: want.filter((id) => !counts.has(id)).sort(),
      duplicated: [...counts]
        .filter(([, n]) => n > 1)
        .map(([id]) => id)
        .sort(),
      unexpected: [...counts.keys()].filter((id) => !want.includes(id)).sort(),
    };
  });
}

export function tallyLine(t: ConsumerTally): string {
  const ids = (list: string[]) =>
    list.length ? ` (${list.slice(0, 5).join(", ")}${list.length > 5 ? ", …" : ""})` : "";
  return `${t.consumer}: expected ${t.expected}, received ${t.received}, missing ${t.missing.length}${ids(t.missing)}, duplicated ${t.duplicated.length}${ids(t.duplicated)}, unexpected ${t.unexpected.length}${ids(t.unexpected)}`;
}

/**
 * The example consumers (one per consumer, in the group the stack grants it, so its lag is what monitoring
 * watches), recording the ids with `idPrefix` they receive.
 */
export class ExampleConsumers {
  readonly received = new Map<string, string[]>();
  private readonly running = new Map<string, RunningConsumer>();

  static async start(pipeline: Pipeline, idPrefix: string): Promise<ExampleConsumers> {
    const consumers = new ExampleConsumers();
    for (const [consumer, topics] of topicsByConsumer(pipeline.filters.filters)) {
      consumers.received.set(consumer, []);
      consumers.running.set(
        consumer,
        await startRoutedConsumer({
          kafka: pipeline.kafka.client,
          consumer,
          topics,
          groupId: consumerGroup(consumer),
          handle: async (event) => {
            if (event.id.startsWith(idPrefix)) getOrThrow(consumers.received, consumer).push(`${event.id}/${event.op}`);
          },
        }),
      );
    }
    return consumers;
  }

  /** Waits until every expected id arrived (or timeoutMs), then settleMs more for late duplicates. */
  async await(expected: Map<string, string[]>, timeoutMs: number, settleMs = 3000): Promise<ConsumerTally[]> {
    const deadline = Date.now() + timeoutMs;
    const complete = () => [...expected].every(([c, ids]) => ids.every((id) => this.received.get(c)?.includes(id)));
    while (Date.now() < deadline && !complete()) await sleep(500);
    await sleep(settleMs);
    return tally(expected, this.received);
  }

  /** The consumer stops reading but stays in its group: its lag grows (monitoring.e2e.ts). */
  pause(consumer: string): void {
    getOrThrow(this.running, consumer).pause();
  }

  resume(consumer: string): void {
    getOrThrow(this.running, consumer).resume();
  }

  async stop(): Promise<void> {
    for (const c of this.running.values()) await c.stop();
    this.running.clear();
  }
}

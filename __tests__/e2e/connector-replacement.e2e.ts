/**
 * A replaced connector keeps the replication slot: no gap, no second snapshot. The dev stage (as a self-managed
 * PostgreSQL, which the local server is) is applied for real: its database side by the real postgresql
 * provider, its Confluent side by the real confluent provider against the local Confluent Cloud API double,
 * which runs the managed connector's configuration as Debezium on Kafka Connect (local/confluent-api/engines.ts).
 * Statements are left out: routing is not under test here, and each would start a Flink cluster.
 *
 * Then the connector is renamed (stage config `source.connectorName`, `npm run statements:lock`), rows being
 * written all the while: the plan replaces the connector (never an in-place rename, which the provider refuses
 * at apply), the review guard lets it pass, and every row written before, during and after reaches the raw topic
 * while the table's snapshot is read once. The control: the same replacement with `snapshot.mode=initial`
 * (Confluent's default) reads the table again.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { endOffsets, readRecords, totalRecords } from "../../consumers/topic-io";
import { loadFilters } from "../../filters/load";
import { sleep } from "../../lib/run";
import { TemporaryDirs } from "../../local/processes";
import { readLock } from "../../lock/lock-file";
import { evolveStage } from "../../lock/stage-lock";
import { type LocalConfluent, startLocalConfluent } from "../../offline/local-deploy";
import { terraform, terraformInit } from "../../providers/mirror";
import { destructiveChanges } from "../../review/guard";
import type { PlanJson } from "../../review/plan";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { synthStack } from "../support/stack-helpers";
import { databaseConfig } from "./database-config";
import { realProvidersOrNotRun, StackOnDouble, useStackOnDouble, withoutStatements } from "./stack-on-double";

type Config = Record<string, any>;

const why = realProvidersOrNotRun("connector replacement suite", "connector replacement");

const quiet = process.env.CDC_ROUTING_VERBOSE ? (m: string) => process.stderr.write(`[local] ${m}\n`) : () => undefined;
const temporary = new TemporaryDirs();
const filters = loadFilters("filters/filters.yaml");
const RENAMED = "cdc-routing-dev-postgres-cdc-v2";

function devOnLocalServer(connectorName?: string): StageConfig {
  const dev = stageConfig("dev");
  return parseStageConfig({
    ...dev,
    source: { ...dev.source, host: "127.0.0.1", platform: "self-managed", slotAlarms: undefined, connectorName },
  });
}

const connectorAddress = (config: Config) =>
  `confluent_connector.${Object.keys(config.resource.confluent_connector)[0]}`;

(why ? describe.skip : describe)("a replaced connector keeps the replication slot", () => {
  let local: LocalConfluent;
  let stack: StackOnDouble;
  let dbDir: string;
  const dbVars = {
    TF_VAR_source_db_admin_username: "postgres",
    TF_VAR_source_db_admin_password: "local-trust",
    TF_VAR_source_db_replication_password: randomBytes(12).toString("hex"),
  };

  // The double is the local Confluent's: stopping that stops the double and its engines.
  useStackOnDouble(
    temporary,
    async () => {
      local = await startLocalConfluent(quiet, { publication: false });
      stack = StackOnDouble.on(local.double, temporary, "replacement");
      return stack;
    },
    () => local?.stop(),
  );

  beforeAll(() => {
    dbDir = temporary.create("replacement-db");
  });

  async function query(sql: string, params: unknown[] = []): Promise<any[]> {
    const client = await local.pipeline.postgres.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Every raw record as [id, __op]. */
  async function rawEvents(): Promise<Array<[string, string]>> {
    const topic = local.pipeline.filters.sourceTopic;
    const count = Number(totalRecords(undefined, await endOffsets(local.pipeline.kafka.client, [topic])));
    const records = count === 0 ? [] : await readRecords(local.pipeline.kafka.client, topic, count, 30_000);
    return records.map((r) => JSON.parse(r.value!)).map((v) => [v.id, v.__op]);
  }

  /**
   * Waits (bounded) until the raw topic holds each [id, __op]. Records of different rows land on different
   * partitions, in no fixed order: Debezium holds a snapshot's last record back until the snapshot is done.
   */
  async function untilCaptured(
    expected: ReadonlyArray<readonly [string, string]>,
    timeoutMs = 120_000,
  ): Promise<Array<[string, string]>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await rawEvents();
      const seen = new Set(events.map(([id, op]) => `${id}/${op}`));
      const missing = expected.filter(([id, op]) => !seen.has(`${id}/${op}`));
      if (missing.length === 0) return events.sort(([a], [b]) => a.localeCompare(b));
      if (Date.now() > deadline)
        throw new Error(
          `not captured within ${timeoutMs / 1000} s: ${missing.map(([id, op]) => `${id} (${op})`).join(", ")}`,
        );
      await sleep(500);
    }
  }

  async function applyConfluent(config: Config, ...extra: string[]): Promise<void> {
    stack.useConfig(config, withoutStatements);
    const applied = await stack.apply(...extra);
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
  }

  async function planOf(config: Config, file: string, ...extra: string[]): Promise<PlanJson> {
    stack.useConfig(config, withoutStatements);
    const { run, plan } = await stack.plan(file, ...extra);
    if (!plan) throw new Error(`plan failed:\n${run.output}`);
    return plan;
  }

  test("rename: a replacement the guard passes, every row captured, the table read once, the slot kept", async () => {
    const first = devOnLocalServer();
    const lock = readLock().dev!;
    const synthFirst = synthStack((app) => new RoutingStageStack(app, { stage: first, filters, lock }));
    const slot = first.source.slotName;

    await query("INSERT INTO business_events VALUES ('before-deploy', 'LoanCreated', 'LoanCreated', 'd', 'd', '{}')");
    // The database side, slot included, by the real postgresql provider.
    writeFileSync(
      join(dbDir, "main.tf.json"),
      JSON.stringify(databaseConfig(synthFirst, { port: local.pipeline.ports.postgres }), null, 2),
    );
    terraformInit(dbDir);
    terraform(dbDir, ["apply", "-auto-approve", "-input=false", "-no-color"], dbVars);
    expect(await query("SELECT slot_name FROM pg_replication_slots")).toEqual([{ slot_name: slot }]);

    await applyConfluent(synthFirst);
    await query("INSERT INTO business_events VALUES ('first-connector', 'LoanCreated', 'LoanCreated', 'd', 'd', '{}')");
    expect(
      await untilCaptured([
        ["before-deploy", "r"],
        ["first-connector", "c"],
      ]),
    ).toEqual([
      ["before-deploy", "r"],
      ["first-connector", "c"],
    ]);

    // Rows keep coming while the connector is replaced: before, during and after the apply.
    const written: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await query("INSERT INTO business_events VALUES ($1, 'LoanCreated', 'LoanCreated', 'd', 'd', '{}')", [
          `during-${i}`,
        ]);
        written.push(`during-${i}`);
        await sleep(150);
      }
    })();
    try {
      const renamed = devOnLocalServer(RENAMED);
      const renamedLock = evolveStage({ dev: lock }, filters, renamed);
      expect(renamedLock.connector).toEqual({
        name: RENAMED,
        snapshotMode: "no_data",
        replaces: "cdc-routing-dev-postgres-cdc",
      });
      const synthRenamed = synthStack(
        (app) => new RoutingStageStack(app, { stage: renamed, filters, lock: renamedLock }),
      );

      const plan = await planOf(synthRenamed, "rename.tfplan");
      const connector = plan.resource_changes!.find((rc) => rc.type === "confluent_connector")!;
      expect({ address: connector.address, actions: connector.change.actions }).toEqual({
        address: connectorAddress(synthRenamed),
        actions: ["delete", "create"],
      });
      expect(destructiveChanges(plan)).toEqual([]);
      const applied = await stack.terraform("apply", "-input=false", "rename.tfplan");
      if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
      await sleep(2_000);
    } finally {
      writing = false;
      await writer;
    }
    await query("INSERT INTO business_events VALUES ('after-rename', 'LoanCreated', 'LoanCreated', 'd', 'd', '{}')");
    const events = await untilCaptured([...written, "after-rename"].map((id) => [id, "c"] as const));
    // Read once: the only snapshot event is the first connector's. Every row written since is a change event.
    expect(events.filter(([, op]) => op === "r")).toEqual([["before-deploy", "r"]]);
    expect(written.length).toBeGreaterThan(10);
    expect(await query("SELECT slot_name, active FROM pg_replication_slots")).toEqual([
      { slot_name: slot, active: true },
    ]);

    // Control: the same replacement with Confluent's default snapshot mode reads the whole table again.
    const control = devOnLocalServer(RENAMED);
    const controlSynth = synthStack(
      (app) =>
        new RoutingStageStack(app, { stage: control, filters, lock: evolveStage({ dev: lock }, filters, control) }),
    );
    for (const c of Object.values<any>(controlSynth.resource.confluent_connector))
      c.config_nonsensitive["snapshot.mode"] = "initial";
    const address = connectorAddress(controlSynth);
    // The review guard stops it: a replacement that snapshots again replays the table into every consumer.
    expect(destructiveChanges(await planOf(controlSynth, "control.tfplan", `-replace=${address}`))).toEqual([
      { address, type: "confluent_connector", action: "replace" },
    ]);
    const replaced = await stack.terraform("apply", "-input=false", "control.tfplan");
    if (replaced.code !== 0) throw new Error(`apply failed:\n${replaced.output}`);
    const deadline = Date.now() + 120_000;
    let snapshots = 1;
    while (snapshots === 1 && Date.now() < deadline) {
      await sleep(500);
      snapshots = (await rawEvents()).filter(([id, op]) => id === "before-deploy" && op === "r").length;
    }
    expect(snapshots).toBe(2);

    // Destroy: the connector goes first, then the slot; nothing is left in pg_replication_slots.
    const destroyed = await stack.terraform("destroy", "-input=false", "-auto-approve");
    if (destroyed.code !== 0) throw new Error(`destroy failed:\n${destroyed.output}`);
    for (let i = 0; i < 100 && (await query("SELECT 1 FROM pg_replication_slots WHERE active")).length > 0; i++)
      await sleep(100);
    terraform(dbDir, ["destroy", "-auto-approve", "-input=false", "-no-color"], dbVars);
    expect(await query("SELECT slot_name FROM pg_replication_slots")).toEqual([]);
  }, 600_000);
});

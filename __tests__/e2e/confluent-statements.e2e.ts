/**
 * The statements that deploy, byte for byte: every confluent_flink_statement's `statement` text is read from the
 * dev stack's synthesized cdk.tf.json and run on Apache Flink over tables declared the way Confluent Cloud infers
 * them from the value schemas that same file registers (flink-sql/inferred-table.ts), in the catalog and
 * database named by the statement's own sql.current-catalog / sql.current-database. The consumer topics must
 * hold exactly what the reference evaluator routes.
 */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareRouting, expectedRouting } from "../../consumers/routing-check";
import { sampleEvents } from "../../consumers/sample-events";
import { endOffsets, produceEvents, readIds } from "../../consumers/topic-io";
import { filtersForStage } from "../../filters/model";
import { generateSql } from "../../flink-sql/generate";
import { inferredCatalogScript } from "../../flink-sql/inferred-table";
import { STATEMENT_TEXT_MAX } from "../../flink-sql/limits";
import { RUN_ENTRY_POINT } from "../../lib/run";
import { temporaryDirectory } from "../support/helpers";
import { useEngines } from "./harness";

const engines = useEngines({ capture: false, flink: true });

type Resources = Record<string, Record<string, Record<string, any>>>;

/** The dev stack exactly as `npm run synth` writes it. */
function synthesizedDev(): { text: string; resources: Resources } {
  const out = temporaryDirectory("synth");
  execFileSync(process.execPath, [RUN_ENTRY_POINT, "main.ts", "dev"], {
    env: { ...process.env, CDKTF_OUTDIR: out },
    stdio: "pipe",
  });
  const text = readFileSync(join(out, "stacks", "dev", "cdk.tf.json"), "utf8");
  return { text, resources: JSON.parse(text).resource };
}

/** `${confluent_environment.<id>.display_name}` -> that resource's display_name in the same file. */
function resolveDisplayName(reference: string, resources: Resources): string {
  const m = /^\$\{(confluent_[a-z_]+)\.([^.]+)\.display_name\}$/.exec(reference);
  if (!m) throw new Error(`not a display_name reference: ${reference}`);
  return resources[m[1]][m[2]].display_name;
}

/** Registered value schemas by topic (TopicNameStrategy: subject <topic>-value). */
function valueSchemas(resources: Resources): Map<string, string> {
  return new Map(
    Object.values(resources.confluent_schema).map((s) => [
      String(s.subject_name).replace(/-value$/, ""),
      String(s.schema),
    ]),
  );
}

interface DeployedStatement {
  name: string;
  /** The `statement` attribute's exact text. */
  sql: string;
  catalog: string;
  database: string;
}

function deployedStatements(resources: Resources): DeployedStatement[] {
  return Object.values(resources.confluent_flink_statement).map((s) => ({
    name: s.statement_name,
    sql: s.statement,
    catalog: resolveDisplayName(s.properties["sql.current-catalog"], resources),
    database: resolveDisplayName(s.properties["sql.current-database"], resources),
  }));
}

describe("the deployed Confluent statements, byte for byte, on Flink over inferred tables", () => {
  const { text, resources } = synthesizedDev();
  const statements = deployedStatements(resources);
  const schemas = valueSchemas(resources);
  /**
   * What the local engines run before a statement (local/confluent-api/engines.ts); the raw topic ends at job start.
   */
  const catalogScript = (s: DeployedStatement) =>
    inferredCatalogScript(
      { ...s, valueSchemas: schemas },
      {
        bootstrapServers: engines.pipeline.kafka.bootstrapServers,
        boundedTopics: [engines.pipeline.filters.sourceTopic],
      },
    );

  beforeAll(async () => {
    const { pipeline } = engines;
    await produceEvents(
      pipeline.kafka.client,
      pipeline.filters.sourceTopic,
      sampleEvents(pipeline.filters, "deployed"),
    );
  });

  test("every statement text is in cdk.tf.json as is, and names its targets' columns", () => {
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(text).toContain(JSON.stringify(s.sql));
      expect(s.sql).toMatch(/^INSERT INTO `[^`]+` \(`id`/m);
    }
    expect([...new Set(statements.map((s) => `${s.catalog}/${s.database}`))]).toEqual([
      "cdc-routing-dev/cdc-routing-dev-kafka",
    ]);
  });

  test("they route exactly the evaluator's events to every consumer topic", async () => {
    const { pipeline, flink } = engines;
    const events = sampleEvents(pipeline.filters, "deployed");
    const topics = filtersForStage(pipeline.filters, "dev").map((f) => f.outputTopic);
    const from = await endOffsets(pipeline.kafka.client, topics);
    for (const s of statements) await flink!.run([...catalogScript(s), s.sql]);
    const until = await endOffsets(pipeline.kafka.client, topics);
    const actual = await readIds(pipeline.kafka.client, topics, { from, until, timeoutMs: 60_000 });
    expect(compareRouting(expectedRouting(pipeline.filters, "dev", events), actual)).toEqual([]);
    for (const [topic, ids] of actual) expect({ topic, received: ids.length > 0 }).toEqual({ topic, received: true });
  });

  test("split into shards (here 2 sinks a set instead of 100), each shard's text runs on its own and together they route exactly the evaluator's events", async () => {
    const { pipeline, flink } = engines;
    const shards = generateSql(pipeline.filters, "dev", {
      dialect: "confluent",
      shape: "set",
      shardBudget: { maxSinks: 2, maxBytes: STATEMENT_TEXT_MAX },
    }).statements;
    expect(shards.map((s) => s.filters.length)).toEqual([2, 2]);
    const events = sampleEvents(pipeline.filters, "deployed");
    const topics = filtersForStage(pipeline.filters, "dev").map((f) => f.outputTopic);
    const from = await endOffsets(pipeline.kafka.client, topics);
    // The deployed statement's catalog and database: shards run where the set runs.
    for (const s of shards) await flink!.run([...catalogScript(statements[0]), s.dml]);
    const until = await endOffsets(pipeline.kafka.client, topics);
    const actual = await readIds(pipeline.kafka.client, topics, { from, until, timeoutMs: 60_000 });
    expect(compareRouting(expectedRouting(pipeline.filters, "dev", events), actual)).toEqual([]);
  });

  test("the target column lists are needed: without them Flink rejects each INSERT on the inferred sink's extra key column", async () => {
    const { flink } = engines;
    for (const s of statements) {
      const unnamed = s.sql.replace(/^(INSERT INTO `[^`]+`) \([^)]*\)$/gm, "$1");
      expect(unnamed).not.toBe(s.sql);
      await expect(flink!.run([...catalogScript(s), unnamed])).rejects.toThrow(
        /Column types of query result and sink for 'cdc-routing-dev\.cdc-routing-dev-kafka\.filtered-[a-z-]+-events' do not match\. Cause: Different number of columns/,
      );
    }
  });
});

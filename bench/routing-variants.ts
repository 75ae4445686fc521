/**
 * The jobs bench:routing compares, as Flink SQL scripts (one statement per entry, as FlinkRunner.run takes them).
 * Besides the passthrough and the routing job as generated, two variants of the routing job that each take one
 * suspect away, measured in the same run (`--profile`):
 * - one sink: the same INSERTs, all into one sink table, so the same records are written through one Kafka sink
 *   instead of one per filter (what the sinks cost);
 * - JSON once: each distinct JSON_VALUE computed once per event in a view that every INSERT reads, with Flink's
 *   digest-based block reuse switched on so the planner does not inline the view into every sink (what repeated
 *   JSON parsing costs). Without that option Flink 2.2 inlines the view per sink (EXPLAIN, docs/flink-sql.md);
 * - object reuse: the routing job with Flink's `pipeline.object-reuse`, so the source's row is not copied for each
 *   operator chained after it (what those copies cost);
 * - reused passthrough: the passthrough with the same option, the fair yardstick for object reuse (the passthrough
 *   copies its row once, the routing job once per filter);
 * - pre-filter: every INSERT reads a view of the events some filter routes (the filters' conditions ORed), shared
 *   by digest as in JSON once, so an event no filter routes is copied and tested once instead of once per filter.
 */

import type { FilterSet } from "../filters/model";
import { quoteIdentifier } from "../flink-sql/escape";
import {
  executableStatements,
  type FlinkKafkaOptions,
  generateSql,
  passthroughStatements,
} from "../flink-sql/generate";
import { getOrThrow } from "../lib/maps";

export type RoutingSide =
  | "passthrough"
  | "routing"
  | "one sink"
  | "JSON once"
  | "object reuse"
  | "reused passthrough"
  | "pre-filter";

/** Flink's option that passes a chained operator's input on without copying it (default false). */
const OBJECT_REUSE = "SET 'pipeline.object-reuse' = 'true'";

/** Flink's option that lets a statement set share a view's projection by digest (default false). */
export const DIGEST_REUSE = "table.optimizer.reuse-optimize-block-with-digest-enabled";

/** A JSON_VALUE call as flink-sql/predicates.ts writes it: column and path both quoted. */
const JSON_VALUE_CALL = /JSON_VALUE\(`(?:[^`]|``)+`, '(?:[^']|'')*'\)/g;

const INSERT_TARGET = /^INSERT INTO `(?:[^`]|``)+`/gm;

function routingSql(set: FilterSet, kafka: FlinkKafkaOptions) {
  return generateSql(set, "dev", { dialect: "flink", shape: "set", kafka });
}

/** The routing job's INSERTs all into `sinkTopic` (declared like the passthrough's sink). */
export function oneSinkStatements(set: FilterSet, sinkTopic: string, kafka: FlinkKafkaOptions): string[] {
  const [source, sink] = passthroughStatements(set, sinkTopic, kafka);
  const dml = executableStatements({ ...routingSql(set, kafka), ddl: [] });
  return [source, sink, ...dml.map((d) => d.replace(INSERT_TARGET, `INSERT INTO ${quoteIdentifier(sinkTopic)}`))];
}

/**
 * The routing job's statements with every INSERT reading a view instead of the raw table: the view is
 * `SELECT <select> FROM <raw table> <where>`, shared by digest (DIGEST_REUSE) so the planner keeps it one node;
 * `edit` changes each INSERT's text besides its FROM.
 */
function throughSharedView(
  set: FilterSet,
  sql: ReturnType<typeof routingSql>,
  view: { name: string; select: string; where?: string },
  edit: (dml: string) => string = (dml) => dml,
): string[] {
  const name = quoteIdentifier(view.name);
  const raw = quoteIdentifier(set.sourceTopic);
  return [
    `SET '${DIGEST_REUSE}' = 'true'`,
    ...sql.ddl.map((d) => d.replace(/;\s*$/, "")),
    `CREATE TEMPORARY VIEW ${name} AS SELECT ${view.select} FROM ${raw}${view.where ? ` WHERE ${view.where}` : ""}`,
    ...sql.statements.map((s) => edit(s.dml).replaceAll(`FROM ${raw}`, `FROM ${name}`).replace(/;\s*$/, "")),
  ];
}

/** The routing job reading a view that computes each distinct JSON_VALUE once (one source topic). */
export function jsonOnceStatements(set: FilterSet, kafka: FlinkKafkaOptions): string[] {
  const sql = routingSql(set, kafka);
  const calls = [...new Set(sql.statements.flatMap((s) => s.dml.match(JSON_VALUE_CALL) ?? []))];
  const column = new Map(calls.map((call, i) => [call, quoteIdentifier(`json_${i}`)]));
  const select = ["*", ...calls.map((call) => `${call} AS ${column.get(call)}`)].join(", ");
  return throughSharedView(set, sql, { name: "routing-input", select }, (dml) =>
    dml.replace(JSON_VALUE_CALL, (call) => column.get(call) ?? call),
  );
}

/** An INSERT's condition, as flink-sql/generate.ts ends every INSERT: a line `WHERE <condition>;`. */
const WHERE_CLAUSE = /\nWHERE ([\s\S]*?);\n/g;

/** The routing job reading a view that keeps only the events some filter routes (one source topic). */
export function preFilterStatements(set: FilterSet, kafka: FlinkKafkaOptions): string[] {
  const sql = routingSql(set, kafka);
  const conditions = sql.statements.flatMap((s) => [...`${s.dml}\n`.matchAll(WHERE_CLAUSE)].map((m) => `(${m[1]})`));
  if (conditions.length !== set.filters.length)
    throw new Error(`${conditions.length} WHERE clauses for ${set.filters.length} filters`);
  return throughSharedView(set, sql, { name: "routable", select: "*", where: conditions.join("\n  OR ") });
}

export function routingStatements(set: FilterSet, kafka: FlinkKafkaOptions): string[] {
  return executableStatements(routingSql(set, kafka));
}

/** The same filters reading another raw topic: an empty one gives a job's fixed cost (start, plan, stop). */
export function withSourceTopic(set: FilterSet, topic: string): FilterSet {
  const source = getOrThrow(set.sources, set.sourceTopic);
  return {
    ...set,
    sourceTopic: topic,
    sources: new Map([[topic, { ...source, rawTopic: topic }]]),
    filters: set.filters.map((f) => ({ ...f, source: topic })),
  };
}

/** Every side's statements over `set`. */
export function sideStatements(
  side: RoutingSide,
  set: FilterSet,
  sinks: { passthrough: string; oneSink: string },
  kafka: FlinkKafkaOptions,
): string[] {
  switch (side) {
    case "passthrough":
      return passthroughStatements(set, sinks.passthrough, kafka);
    case "routing":
      return routingStatements(set, kafka);
    case "one sink":
      return oneSinkStatements(set, sinks.oneSink, kafka);
    case "JSON once":
      return jsonOnceStatements(set, kafka);
    case "object reuse":
      return [OBJECT_REUSE, ...routingStatements(set, kafka)];
    case "reused passthrough":
      return [OBJECT_REUSE, ...passthroughStatements(set, sinks.passthrough, kafka)];
    case "pre-filter":
      return preFilterStatements(set, kafka);
  }
}

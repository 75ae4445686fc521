/**
 * Validated filters + stage -> Flink SQL text. Pure and deterministic: same input, same bytes.
 *
 * One DML body serves both dialects; only the table declarations differ:
 * - confluent: topics are tables of the environment (catalog) and cluster (database); the stack declares every
 *   topic and registers the sink value schemas, so the SQL is DML only.
 * - flink: self-managed Apache Flink; CREATE TABLE with the Kafka connector and the json format.
 */
import { createHash } from "node:crypto";
import { type Filter, type FilterSet, fieldNames, fieldTypes, filtersForStage, sourceTopicsOf } from "../filters/model";
import { getOrThrow } from "../lib/maps";
import { resourceNames } from "../stages/resource-names";
import { quoteIdentifier, stringLiteral } from "./escape";
import { DEFAULT_SHARD_BUDGET, type ShardBudget, textBytes } from "./limits";
import { conditionSql, operationsSql } from "./predicates";
import { assignShards, setText } from "./shards";

export type Dialect = "confluent" | "flink";
/**
 * set: EXECUTE STATEMENT SET reading the source once (one set, or shards of it past the budget in limits.ts);
 * per-filter: one INSERT statement per filter.
 */
export type Shape = "set" | "per-filter";

export interface FlinkKafkaOptions {
  bootstrapServers: string;
  /** Consumer group of the source table; default cdc-routing-<stage>. */
  groupId?: string;
  /** Default earliest-offset: a new routing job must not skip events already in the raw topic. */
  startupMode?: "earliest-offset" | "latest-offset" | "group-offsets";
  /** Makes the source bounded (tests): the job ends after reading up to the latest offsets at start. */
  bounded?: boolean;
}

export interface SqlOptions {
  dialect: Dialect;
  shape: Shape;
  /** Required for the flink dialect. */
  kafka?: FlinkKafkaOptions;
  /**
   * set shape: the filters of each set statement as last locked (flink-sql/shards.ts keeps them together).
   * @default - none: the filters are packed afresh
   */
  previousShards?: readonly (readonly string[])[];
  /** set shape: how large one set may grow before the filters are split into shards. */
  shardBudget?: ShardBudget;
}

export interface GeneratedStatement {
  /** Stable per stage; a content change changes the name (statements are immutable in Confluent Cloud). */
  name: string;
  /** Filters routed by this statement, in file order. */
  filters: Filter[];
  /** DML (INSERT or EXECUTE STATEMENT SET) */
  dml: string;
}

export interface GeneratedSql {
  stage: string;
  dialect: Dialect;
  shape: Shape;
  /** Table declarations (flink dialect only), each ending with ';'. */
  ddl: string[];
  statements: GeneratedStatement[];
}

/**
 * INSERT of one filter, without a trailing semicolon. The target columns are always named: Confluent Cloud infers
 * a sink topic whose value schema is registered but whose key is not with an extra first column `key` (raw key
 * format), so `INSERT INTO t SELECT <columns>` would have one column too few ("Different number of columns").
 * Named targets leave `key` NULL (Confluent docs: "CREATE TABLE Statement", section Inferred tables,
 * https://docs.confluent.io/cloud/current/flink/reference/statements/create-table.html; the provider's
 * examples/configurations/flink-quickstart/statements/populate-orders-source-table.sql names them too).
 */
export function insertSql(filter: Filter): string {
  const columns = filter.columns.map(quoteIdentifier).join(", ");
  const where = [operationsSql(filter.operations), ...(filter.condition ? [conditionSql(filter.condition)] : [])];
  return [
    `-- filter ${filter.name} v${filter.version}: ${filter.description.replace(/\s+/g, " ").trim()}`,
    `INSERT INTO ${quoteIdentifier(filter.outputTopic)} (${columns})`,
    `SELECT ${columns}`,
    `FROM ${quoteIdentifier(filter.source)}`,
    `WHERE ${where.join("\n  AND ")}`,
  ].join("\n");
}

export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** Statement name for one filter: the version is in the name, so a semantic change is a new statement. */
export function filterStatementName(stage: string, filter: Filter): string {
  return `${stage}-route-${filter.name}-v${filter.version}`;
}

const SET_NAME_INFIX = "-routing-set-";

function setStatementName(stage: string, dml: string): string {
  return `${stage}${SET_NAME_INFIX}${shortHash(dml)}`;
}

/** A set statement's name (the set shape), as opposed to a per-filter statement's. */
export const isSetStatementName = (stage: string, name: string): boolean => name.startsWith(stage + SET_NAME_INFIX);

/** The set shape: one EXECUTE STATEMENT SET per shard, each named after its own text. */
function setStatements(filters: Filter[], stage: string, options: SqlOptions): GeneratedStatement[] {
  const inserts = new Map(filters.map((f) => [f.name, `${insertSql(f)};`]));
  const byName = new Map(filters.map((f) => [f.name, f]));
  const sizing = {
    insertBytes: new Map([...inserts].map(([name, text]) => [name, textBytes(text)])),
    budget: options.shardBudget ?? DEFAULT_SHARD_BUDGET,
  };
  return assignShards(
    filters.map((f) => f.name),
    options.previousShards ?? [],
    sizing,
  ).map((names) => {
    const dml = setText(names.map((n) => getOrThrow(inserts, n)));
    return { name: setStatementName(stage, dml), filters: names.map((n) => getOrThrow(byName, n)), dml };
  });
}

function columnList(names: readonly string[], types: ReadonlyMap<string, string>): string {
  return names.map((n) => `  ${quoteIdentifier(n)} ${getOrThrow(types, n)}`).join(",\n");
}

export function withClause(props: Record<string, string>): string {
  return Object.entries(props)
    .map(([k, v]) => `  ${stringLiteral(k)} = ${stringLiteral(v)}`)
    .join(",\n");
}

function flinkTableDdl(
  table: string,
  columns: readonly string[],
  types: ReadonlyMap<string, string>,
  props: Record<string, string>,
): string {
  return `CREATE TABLE ${quoteIdentifier(table)} (\n${columnList(columns, types)}\n) WITH (\n${withClause(props)}\n);`;
}

/** Source tables (each raw topic the filters read, once), then one sink table per filter. */
function flinkDdl(
  set: FilterSet,
  filters: Filter[],
  stage: string,
  kafka: FlinkKafkaOptions,
  sources = sourceTopicsOf(filters),
): string[] {
  const common = { connector: "kafka", "properties.bootstrap.servers": kafka.bootstrapServers, format: "json" };
  const tables = sources.map((topic) => {
    const source = getOrThrow(set.sources, topic);
    return flinkTableDdl(topic, fieldNames(source), fieldTypes(source), {
      ...common,
      topic,
      "properties.group.id": kafka.groupId ?? resourceNames(stage).localFlinkGroup,
      "scan.startup.mode": kafka.startupMode ?? "earliest-offset",
      ...(kafka.bounded ? { "scan.bounded.mode": "latest-offset" } : {}),
      // Malformed records fail the job rather than vanish: a routing gap must be loud.
      "json.fail-on-missing-field": "false",
      "json.ignore-parse-errors": "false",
    });
  });
  const sinks = filters.map((f) =>
    flinkTableDdl(f.outputTopic, f.columns, fieldTypes(getOrThrow(set.sources, f.source)), {
      ...common,
      topic: f.outputTopic,
    }),
  );
  return [...tables, ...sinks];
}

export function generateSql(set: FilterSet, stage: string, options: SqlOptions): GeneratedSql {
  const filters = filtersForStage(set, stage);
  if (options.dialect === "flink" && !options.kafka) {
    throw new Error("the flink dialect needs kafka.bootstrapServers");
  }
  const ddl = options.dialect === "flink" ? flinkDdl(set, filters, stage, options.kafka as FlinkKafkaOptions) : [];
  let statements: GeneratedStatement[];
  if (filters.length === 0) {
    statements = [];
  } else if (options.shape === "per-filter") {
    statements = filters.map((f) => ({
      name: filterStatementName(stage, f),
      filters: [f],
      dml: `${insertSql(f)};`,
    }));
  } else {
    statements = setStatements(filters, stage, options);
  }
  return { stage, dialect: options.dialect, shape: options.shape, ddl, statements };
}

/** One text for people and tools: DDL, then each statement under a header naming it. */
export function renderSql(sql: GeneratedSql): string {
  const parts = [
    `-- cdc-routing: stage ${sql.stage}, dialect ${sql.dialect}, shape ${sql.shape}, ${sql.statements.length} statement(s)`,
    ...sql.ddl,
    ...sql.statements.map((s) => `-- statement ${s.name}\n${s.dml}`),
  ];
  return `${parts.join("\n\n")}\n`;
}

/** A TableEnvironment executes one statement at a time, without its terminating semicolon. */
const executable = (text: string): string => text.replace(/;\s*$/, "");

/** The statements one by one, as a TableEnvironment executes them: DDL, then DML. */
export function executableStatements(sql: GeneratedSql): string[] {
  return [...sql.ddl, ...sql.statements.map((s) => s.dml)].map(executable);
}

/**
 * Baseline for the routing benchmark: the raw topic copied unchanged to another topic, with the same source
 * table (bounded) as the routing job, so the two differ only in the routing itself.
 */
export function passthroughStatements(set: FilterSet, sinkTopic: string, kafka: FlinkKafkaOptions): string[] {
  const [source] = flinkDdl(set, [], "bench", kafka, [set.sourceTopic]);
  const table = getOrThrow(set.sources, set.sourceTopic);
  const sink = flinkTableDdl(sinkTopic, fieldNames(table), fieldTypes(table), {
    connector: "kafka",
    "properties.bootstrap.servers": kafka.bootstrapServers,
    format: "json",
    topic: sinkTopic,
  });
  const insert = `INSERT INTO ${quoteIdentifier(sinkTopic)} SELECT * FROM ${quoteIdentifier(set.sourceTopic)}`;
  return [source, sink, insert].map(executable);
}

/**
 * The filters file's `sources:`: the tables the stages capture, each with its raw topic, its columns as the
 * connector emits them, and the stages that capture it. A file without `sources:` captures today's one table,
 * public.business_events, on `source.topic` (default raw-business-events). Checked by hand, like the filters, so
 * each message names the table and the fix at its path.
 */
import { suggestion } from "../lib/suggest";
import { CONNECT_TYPES, type ConnectType, type DeclaredColumn, defaultRawTopic } from "../stages/tables";
import { type FilterIssue, type Path, typeName } from "./errors";
import { BUSINESS_EVENTS_COLUMNS, LEGACY_SOURCE_TABLE, LEGACY_SOURCE_TOPIC, type Source } from "./model";

const SOURCE_KEYS = ["table", "topic", "columns", "stages"];
const COLUMN_KEYS = ["name", "type", "optional"];
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export interface SourceIndex {
  /** Raw topic of filters that name no source. */
  readonly defaultTopic: string;
  /** Every declared source by raw topic, in file order. */
  readonly byTopic: ReadonlyMap<string, Source>;
  /** A source named by raw topic, `schema.table`, or a table name that is unique among the sources. */
  find(name: string): Source | undefined;
  /** Names a filter may give its source (for suggestions). */
  names(): string[];
  /** Names of declared sources that were refused: a filter naming one has that source's error already. */
  readonly refused: ReadonlySet<string>;
}

function index(defaultTopic: string, sources: readonly Source[], refused = new Set<string>()): SourceIndex {
  const byTopic = new Map(sources.map((s) => [s.rawTopic, s]));
  const qualified = new Map(sources.map((s) => [`${s.schema}.${s.table}`, s]));
  const bare = (name: string) => sources.filter((s) => s.table === name);
  return {
    defaultTopic,
    byTopic,
    find: (name) => byTopic.get(name) ?? qualified.get(name) ?? (bare(name).length === 1 ? bare(name)[0] : undefined),
    names: () => [...qualified.keys(), ...byTopic.keys()],
    refused,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function unknownKeys(raw: Record<string, unknown>, allowed: string[], path: Path, issues: FilterIssue[]): void {
  for (const k of Object.keys(raw).filter((k) => !allowed.includes(k)))
    issues.push({ path: [...path, k], message: `unknown key '${k}'`, hint: suggestion(k, allowed), atKey: true });
}

function parseColumn(raw: unknown, path: Path, table: string, issues: FilterIssue[]): DeclaredColumn | undefined {
  if (!isRecord(raw)) {
    issues.push({ path, message: `a column of ${table} must be a mapping {name, type}, got ${typeName(raw)}` });
    return undefined;
  }
  const before = issues.length;
  unknownKeys(raw, COLUMN_KEYS, path, issues);
  const { name, type, optional = true } = raw;
  if (typeof name !== "string" || !IDENTIFIER.test(name) || name.startsWith("__"))
    issues.push({
      path: [...path, "name"],
      message: `column name ${JSON.stringify(name)} of ${table} must be a lower-case PostgreSQL identifier not starting with __`,
      hint: "names starting with __ are the connector's own fields (__op, __table, __ts_ms, __deleted)",
    });
  if (typeof type !== "string" || !(CONNECT_TYPES as readonly string[]).includes(type))
    issues.push({
      path: [...path, "type"],
      message: `column ${String(name)} of ${table}: unknown type ${JSON.stringify(type)}`,
      hint: `${suggestion(String(type), CONNECT_TYPES)} (the type the connector emits: text -> string, integer -> int32, bigint -> int64, boolean, double precision -> float64, json/jsonb -> json)`,
    });
  if (typeof optional !== "boolean")
    issues.push({
      path: [...path, "optional"],
      message: `'optional' must be true or false, got ${typeName(optional)}`,
    });
  return issues.length === before
    ? { name: name as string, type: type as ConnectType, optional: optional as boolean }
    : undefined;
}

function parseSource(raw: unknown, path: Path, knownStages: readonly string[], issues: FilterIssue[]) {
  if (!isRecord(raw)) {
    issues.push({ path, message: `a source must be a mapping {table, columns}, got ${typeName(raw)}` });
    return undefined;
  }
  const before = issues.length;
  unknownKeys(raw, SOURCE_KEYS, path, issues);
  const name = typeof raw.table === "string" ? raw.table : "";
  const [schema, table] = name.includes(".") ? name.split(".", 2) : ["public", name];
  if (!IDENTIFIER.test(schema) || !IDENTIFIER.test(table) || name.split(".").length > 2) {
    issues.push({
      path: raw.table === undefined ? path : [...path, "table"],
      message:
        raw.table === undefined
          ? "source is missing 'table'"
          : `table ${JSON.stringify(raw.table)} must be schema.table (or table, in schema public) of lower-case PostgreSQL identifiers`,
    });
    return undefined;
  }
  const label = `${schema}.${table}`;
  const rawTopic = raw.topic === undefined ? defaultRawTopic(table) : raw.topic;
  if (typeof rawTopic !== "string" || !KAFKA_TOPIC.test(rawTopic))
    issues.push({ path: [...path, "topic"], message: `raw topic of ${label} must be a Kafka topic name` });
  const stages = raw.stages ?? knownStages;
  if (!Array.isArray(stages) || stages.length === 0)
    issues.push({ path: [...path, "stages"], message: `'stages' of ${label} must be a non-empty list of stages` });
  else
    stages.forEach((s, i) => {
      if (!knownStages.includes(String(s)))
        issues.push({
          path: [...path, "stages", i],
          message: `unknown stage ${JSON.stringify(s)}`,
          hint: suggestion(String(s), knownStages),
        });
    });
  if (!Array.isArray(raw.columns) || raw.columns.length === 0) {
    issues.push({
      path: raw.columns === undefined ? path : [...path, "columns"],
      message: `${label} must declare its columns (name and type as the connector emits them)`,
    });
    return undefined;
  }
  const columns = raw.columns.map((c, i) => parseColumn(c, [...path, "columns", i], label, issues));
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!c) return;
    const first = seen.get(c.name);
    if (first !== undefined)
      issues.push({
        path: [...path, "columns", i, "name"],
        message: `column ${c.name} of ${label} is declared twice (first as column ${first + 1})`,
      });
    else seen.set(c.name, i);
  });
  if (issues.length > before) return undefined;
  return {
    schema,
    table,
    rawTopic: rawTopic as string,
    columns: columns as DeclaredColumn[],
    // Stage order, not file order, so the same stages always read the same.
    stages: knownStages.filter((s) => (stages as unknown[]).includes(s)),
  };
}

/** Every declared source, checked: a table listed twice or two tables on one raw topic is an issue at its path. */
export function validateSources(
  doc: { source?: { topic: string }; sources?: unknown[] },
  knownStages: readonly string[],
  issues: FilterIssue[],
): SourceIndex {
  const defaultTopic = doc.source?.topic ?? LEGACY_SOURCE_TOPIC;
  if (doc.sources === undefined) {
    return index(defaultTopic, [
      { ...LEGACY_SOURCE_TABLE, rawTopic: defaultTopic, columns: BUSINESS_EVENTS_COLUMNS, stages: knownStages },
    ]);
  }
  const sources: Source[] = [];
  const refused = new Set<string>();
  const tables = new Map<string, number>();
  const topics = new Map<string, number>();
  doc.sources.forEach((raw, i) => {
    const path: Path = ["sources", i];
    const refuse = () => {
      const table = isRecord(raw) && typeof raw.table === "string" ? raw.table : "";
      const bare = table.split(".").pop() ?? "";
      for (const name of [table, bare, defaultRawTopic(bare), isRecord(raw) ? raw.topic : undefined])
        if (typeof name === "string") refused.add(name);
    };
    const source = parseSource(raw, path, knownStages, issues);
    if (!source) {
      refuse();
      return;
    }
    const label = `${source.schema}.${source.table}`;
    const sameTable = tables.get(label);
    const sameTopic = topics.get(source.rawTopic);
    if (sameTable !== undefined || sameTopic !== undefined) refuse();
    if (sameTable !== undefined)
      issues.push({
        path: [...path, "table"],
        message: `table ${label} is listed twice (first as source ${sameTable + 1})`,
        hint: "list each table once; give it every stage that captures it under 'stages'",
      });
    else if (sameTopic !== undefined)
      issues.push({
        path: [...path, "topic"],
        message: `tables ${sources[sameTopic].schema}.${sources[sameTopic].table} and ${label} are both routed to raw topic ${source.rawTopic}`,
        hint: `each table needs its own raw topic (its value schema is the table's): set 'topic' of ${label}, e.g. ${defaultRawTopic(source.table)}`,
      });
    else {
      tables.set(label, sources.length);
      topics.set(source.rawTopic, sources.length);
      sources.push(source);
    }
  });
  return index(defaultTopic, sources, refused);
}

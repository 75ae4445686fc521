/**
 * Validates a parsed filters document: zod checks keys and types; names, topics, stages, operations, columns and
 * conditions are checked by hand, where the messages can name what is valid and suggest fixes. Pure: returns the
 * set or every issue found, each at its path.
 */
import { z } from "zod";
import { suggestion } from "../lib/suggest";
import { STAGE_NAMES } from "../stages/names";
import { parseCondition } from "./conditions";
import { namedConsumers, validateConsumerThresholds } from "./consumer-thresholds";
import { type FilterIssue, type Path, typeName, valueAt } from "./errors";
import { type Filter, type FilterSet, fieldNames, OPERATIONS, type Source } from "./model";
import { type SourceIndex, validateSources } from "./sources";

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const KAFKA_TOPIC = /^[a-zA-Z0-9._-]+$/;
/** Statement names carry stage, filter name and version; Confluent caps names, so filter names stay short. */
export const MAX_FILTER_NAME = 40;

export function kafkaTopicProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > 249) return `is ${name.length} characters long; Kafka allows at most 249`;
  if (name === "." || name === "..") return "cannot be '.' or '..'";
  if (!KAFKA_TOPIC.test(name)) return "may contain only ASCII letters, digits, '.', '_' and '-'";
  return undefined;
}

// Structural schema: zod checks keys and types; meaning (fields, operators, values) is checked by hand below,
// where the messages can name operators and suggest fixes.
const filterShape = z.strictObject({
  name: z.string(),
  description: z.string().min(1),
  consumer: z.string().optional(),
  outputTopic: z.string(),
  enabled: z.boolean().default(true),
  stages: z.array(z.string()).min(1).optional(),
  version: z.number().int().min(1),
  operations: z.array(z.string()).min(1),
  conditions: z.unknown().optional(),
  columns: z.array(z.string()).min(1).optional(),
  source: z.string().optional(),
});
const documentShape = z.strictObject({
  source: z.strictObject({ topic: z.string() }).optional(),
  sources: z.array(z.unknown()).optional(),
  filters: z.array(z.unknown()),
  consumers: z.unknown().optional(),
});
const FILTER_KEYS = Object.keys(filterShape.shape);

/** Maps a zod issue to our wording; zod's own messages do not name keys or suggest fixes. */
function fromZodIssue(issue: z.core.$ZodIssue, base: Path, input: unknown, allowedKeys: string[]): FilterIssue[] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const key = path[path.length - 1];
  const label = typeof key === "number" ? `item ${key + 1}` : `'${String(key)}'`;
  const actual = valueAt(input, issue.path as Path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => ({
        path: [...path, k],
        message: `unknown key '${k}'`,
        hint: suggestion(k, allowedKeys),
        atKey: true,
      }));
    case "invalid_type":
      if (actual === undefined) {
        return [{ path: path.slice(0, -1), message: `missing required key '${String(key)}'` }];
      }
      return [
        {
          path,
          message: `${label} must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}, got ${typeName(actual)}`,
        },
      ];
    case "too_small":
      if (Array.isArray(actual) || typeof actual === "string") return [{ path, message: `${label} must not be empty` }];
      return [{ path, message: `${label} must be at least ${String(issue.minimum)}, got ${String(actual)}` }];
    default:
      return [{ path, message: `${label}: ${issue.message}` }];
  }
}

export interface ValidateOptions {
  /** Stage names filters may list; default dev, staging, prod. */
  stages?: readonly string[];
}

/** Validates the parsed YAML value. Pure: returns the set or every issue found. */
export function validateFilters(
  raw: unknown,
  options: ValidateOptions = {},
): { set?: FilterSet; issues: FilterIssue[] } {
  const knownStages = options.stages ?? STAGE_NAMES;
  const issues: FilterIssue[] = [];
  if (raw && typeof raw === "object" && Array.isArray((raw as { filters?: unknown }).filters)) {
    const first = (raw as { filters: unknown[] }).filters[0] as Record<string, unknown> | undefined;
    if (first && typeof first === "object" && ("conditionLogic" in first || "consumerId" in first)) {
      issues.push({
        path: ["filters", 0],
        message: "this file uses the legacy filter format (consumerId, conditionLogic, operator)",
        hint: "convert it with `npx cdc-routing migrate <file> --out <new file>` (docs/filters.md: Coming from the older format)",
      });
      return { issues };
    }
  }
  const doc = documentShape.safeParse(raw);
  if (!doc.success) {
    for (const i of doc.error.issues)
      issues.push(...fromZodIssue(i, [], raw, ["source", "sources", "filters", "consumers"]));
    return { issues };
  }
  const sources = validateSources(doc.data, knownStages, issues);
  const sourceTopic = sources.defaultTopic;
  const filters: Filter[] = [];
  const seenNames = new Map<string, number>();
  const seenTopics = new Map<string, number>();
  doc.data.filters.forEach((rawFilter, index) => {
    const base: Path = ["filters", index];
    const before = issues.length;
    const parsed = filterShape.safeParse(rawFilter);
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push(...fromZodIssue(i, base, rawFilter, FILTER_KEYS));
      return;
    }
    const f = parsed.data;
    if (!KEBAB.test(f.name) || f.name.length > MAX_FILTER_NAME) {
      issues.push({
        path: [...base, "name"],
        message: `filter name '${f.name}' must be kebab-case (a-z, 0-9, single '-') and at most ${MAX_FILTER_NAME} characters`,
      });
    }
    const consumer = f.consumer ?? f.name;
    if (f.consumer !== undefined && !KEBAB.test(consumer))
      issues.push({
        path: [...base, "consumer"],
        message: `consumer '${consumer}' must be kebab-case (it names a service account and a consumer group)`,
      });
    const topicProblem = kafkaTopicProblem(f.outputTopic);
    if (topicProblem)
      issues.push({ path: [...base, "outputTopic"], message: `output topic '${f.outputTopic}' ${topicProblem}` });
    if (sources.byTopic.has(f.outputTopic))
      issues.push({
        path: [...base, "outputTopic"],
        message: `output topic '${f.outputTopic}' is a source's raw topic; routing into it would loop`,
      });
    const source = filterSource(f.source, base, sources, issues);
    const dupName = seenNames.get(f.name);
    if (dupName !== undefined)
      issues.push({
        path: [...base, "name"],
        message: `duplicate filter name '${f.name}' (first used by filter ${dupName + 1})`,
      });
    else seenNames.set(f.name, index);
    const dupTopic = seenTopics.get(f.outputTopic);
    if (dupTopic !== undefined)
      issues.push({
        path: [...base, "outputTopic"],
        message: `output topic '${f.outputTopic}' is already used by filter '${(doc.data.filters[dupTopic] as { name: string }).name}'`,
        hint: "each filter writes its own topic",
      });
    else seenTopics.set(f.outputTopic, index);
    // A filter deploys where its source is captured unless it says where.
    const stages = f.stages ?? [...(source?.stages ?? knownStages)];
    stages.forEach((s, i) => {
      if (!knownStages.includes(s))
        issues.push({
          path: [...base, "stages", i],
          message: `unknown stage '${s}'`,
          hint: suggestion(s, knownStages),
        });
      else if (source && !source.stages.includes(s))
        issues.push({
          path: [...base, "stages", i],
          message: `stage ${s} does not capture ${source.schema}.${source.table}, the source of filter '${f.name}' (captured in: ${source.stages.join(", ")})`,
          hint: `add ${s} to the source's stages under sources:, or remove it from this filter's stages`,
        });
    });
    f.operations.forEach((o, i) => {
      if (!(OPERATIONS as string[]).includes(o))
        issues.push({
          path: [...base, "operations", i],
          message: `unknown operation '${o}'`,
          hint: suggestion(o, OPERATIONS),
        });
    });
    const available = source ? fieldNames(source) : [];
    const columns = f.columns ?? available;
    columns.forEach((c, i) => {
      if (source && !available.includes(c))
        issues.push({
          path: [...base, "columns", i],
          message: `unknown column '${c}': ${source.schema}.${source.table} has no such column`,
          hint: suggestion(c, available),
        });
      else if (columns.indexOf(c) !== i)
        issues.push({ path: [...base, "columns", i], message: `column '${c}' is listed twice` });
    });
    const condition =
      f.conditions === undefined || !source
        ? undefined
        : parseCondition(f.conditions, [...base, "conditions"], issues, source);
    if (issues.length === before && source) {
      filters.push({
        name: f.name,
        description: f.description,
        consumer,
        outputTopic: f.outputTopic,
        enabled: f.enabled,
        stages: [...new Set(stages)],
        version: f.version,
        // A set: one canonical order, so a reordered list yields the same SQL (and the same statement).
        operations: OPERATIONS.filter((o) => f.operations.includes(o)),
        condition,
        source: source.rawTopic,
        columns,
        defaultColumns: f.columns === undefined,
      });
    }
  });
  const consumers = validateConsumerThresholds(doc.data.consumers, namedConsumers(doc.data.filters), issues);
  return issues.length ? { issues } : { set: { sourceTopic, sources: sources.byTopic, filters, consumers }, issues };
}

/** The filter's source: named by table (`schema.table` or `table`) or raw topic, else the file's default. */
function filterSource(named: string | undefined, base: Path, sources: SourceIndex, issues: FilterIssue[]) {
  const found: Source | undefined =
    named === undefined ? sources.byTopic.get(sources.defaultTopic) : sources.find(named);
  if (found || sources.byTopic.size === 0 || sources.refused.has(named ?? sources.defaultTopic)) return found;
  const captured = [...sources.byTopic.values()].map((s) => `${s.schema}.${s.table} (${s.rawTopic})`);
  issues.push(
    named === undefined
      ? {
          path: base,
          message: `filter names no source, and the default raw topic '${sources.defaultTopic}' is not declared under sources:`,
          hint: `add 'source:' naming one of: ${captured.join(", ")}`,
        }
      : {
          path: [...base, "source"],
          message: `source '${named}' is captured by no stage; captured: ${captured.join(", ")}`,
          hint: `${suggestion(named, sources.names())}; or declare the table under sources:`,
        },
  );
  return undefined;
}

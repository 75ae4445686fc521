/**
 * A filter's meaning in a canonical, readable form: what its statement routes, independent of how the YAML was
 * written (key order, flow or block style, quoting, comments, the order of `operations`). The lock file records
 * it per filter and version, so a change of meaning without a version bump is caught in either statement shape.
 */
import { type Condition, type Filter, LEGACY_SOURCE_TOPIC } from "./model";

export interface FilterDefinition {
  version: number;
  description: string;
  outputTopic: string;
  operations: string;
  columns: string;
  condition: string;
  /** The raw topic it reads; absent for raw-business-events, which every filter read before sources existed. */
  source?: string;
  /**
   * Who reads its topic: not part of its meaning (a change of consumer changes grants, not the statement), kept so
   * a removed filter's retained topic stays readable by its consumer (access/grants.ts).
   */
  consumer?: string;
}

/** The parts of a definition that make up its meaning (everything but the version). */
export const MEANING_KEYS = ["description", "outputTopic", "operations", "columns", "condition", "source"] as const;

/** `event_type equals "LoanCreated"`, `all(a; b)`: JSON for values, so "5" and 5 (type number) differ. */
export function conditionText(c: Condition | undefined): string {
  if (!c) return "every event";
  switch (c.kind) {
    case "all":
    case "any":
      return `${c.kind}(${c.of.map(conditionText).join("; ")})`;
    case "not":
      return `not(${conditionText(c.of)})`;
    case "compare":
      return `${c.fieldText} ${c.op} ${JSON.stringify(c.value)}`;
    case "list":
      return `${c.fieldText} ${c.op} ${JSON.stringify(c.values)}`;
    case "range":
      return `${c.fieldText} between ${JSON.stringify(c.min)} and ${JSON.stringify(c.max)}`;
    case "null":
      return `${c.fieldText} ${c.op}`;
  }
}

export function filterDefinition(f: Filter): FilterDefinition {
  return {
    version: f.version,
    description: f.description.replace(/\s+/g, " ").trim(),
    outputTopic: f.outputTopic,
    operations: f.operations.join(", "),
    columns: f.columns.join(", "),
    condition: conditionText(f.condition),
    ...(f.source === LEGACY_SOURCE_TOPIC ? {} : { source: f.source }),
    consumer: f.consumer,
  };
}

export function sameDefinition(a: FilterDefinition | undefined, b: FilterDefinition): boolean {
  return a !== undefined && a.version === b.version && definitionChanges(a, b).length === 0;
}

/** `condition: was X, now Y` for every part of the meaning that differs. */
export function definitionChanges(before: FilterDefinition, after: FilterDefinition): string[] {
  const value = (d: FilterDefinition, k: (typeof MEANING_KEYS)[number]) =>
    k === "source" ? (d.source ?? LEGACY_SOURCE_TOPIC) : d[k];
  return MEANING_KEYS.filter((k) => value(before, k) !== value(after, k)).map(
    (k) => `${k} was ${value(before, k)}, now ${value(after, k)}`,
  );
}

/**
 * `cdc-routing migrate`: a filters file of the older format (`consumerId`, `conditionLogic`, `operator`,
 * `valueType`; a top-level list or a list under `filters:`; fields written as paths into the event) rewritten in
 * today's. The YAML nodes are changed in place, so comments stay where they were. Everything derivable is derived;
 * what the older format did not say is written as its generated SQL behaved and named in a note.
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Pair,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { InputError } from "../lib/errors";
import { parseFiltersYaml } from "./load";
import { BUSINESS_EVENTS_COLUMNS, OPERATION_CODES, type Operation } from "./model";
import { operatorFor } from "./operator-spelling";

export interface Migration {
  /** Today's format, comments kept. */
  readonly text: string;
  /** What was derived or could not be, one line each (`filter <name>: ...`). */
  readonly notes: readonly string[];
}

/** Columns of raw-business-events a field may name directly; anything else is a path into event_data. */
const COLUMNS = new Set([...BUSINESS_EVENTS_COLUMNS.map((c) => c.name), "__op", "__table", "__ts_ms"]);
const OPERATION_BY_CODE = new Map<string, Operation>(
  Object.entries(OPERATION_CODES).map(([op, code]) => [code, op as Operation]),
);
const NUMBER_TYPES = new Set(["number", "numeric", "integer", "int", "long", "double", "float", "decimal"]);

const kebab = (text: string): string =>
  text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");

function pairOf(map: YAMLMap, key: string): Pair<Scalar, unknown> | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Scalar, unknown> | undefined;
}

/** Renames a key in place (its comments stay) and optionally sets its value. */
function rename(map: YAMLMap, from: string, to: string, value?: unknown): void {
  const pair = pairOf(map, from);
  if (!pair) return;
  pair.key.value = to;
  if (value !== undefined) (pair.value as Scalar).value = value;
}

/** Inserts `key: value` after the pair named `after` (or first), keeping the file's key order readable. */
function insertAfter(doc: Document, map: YAMLMap, after: string, key: string, value: unknown): void {
  const index = map.items.findIndex((p) => isScalar(p.key) && p.key.value === after);
  map.items.splice(index + 1, 0, doc.createPair(key, value));
}

const scalarText = (node: unknown): string | undefined =>
  isScalar(node) && (typeof node.value === "string" || typeof node.value === "number") ? String(node.value) : undefined;

/** One condition of the older format, changed in place; the `__op` ones are returned as operations instead. */
function migrateCondition(cond: YAMLMap, label: string, notes: string[]): Operation[] | undefined {
  const field = scalarText(cond.get("field", true));
  const operator = scalarText(cond.get("operator", true)) ?? scalarText(cond.get("op", true));
  const op = operator === undefined ? undefined : operatorFor(operator);
  if (operator !== undefined && !op) notes.push(`${label}: operator '${operator}' has no counterpart; left as written`);
  if (field === "__op" && (op === "equals" || op === "in")) {
    const values = op === "equals" ? [cond.get("value")] : ((cond.get("values") as YAMLSeq)?.toJSON() ?? []);
    const ops = values.map((v: unknown) => OPERATION_BY_CODE.get(String(v)));
    if (ops.every((o: Operation | undefined) => o !== undefined)) return ops as Operation[];
  }
  rename(cond, "operator", "op", op ?? operator);
  if (field !== undefined && !COLUMNS.has(field) && !field.startsWith("event_data."))
    (cond.get("field", true) as Scalar).value = `event_data.${field}`;
  const valueType = scalarText(cond.get("valueType", true))?.toLowerCase();
  if (valueType === undefined) return undefined;
  if (NUMBER_TYPES.has(valueType)) rename(cond, "valueType", "type", "number");
  else if (valueType === "string" || valueType === "text") cond.delete("valueType");
  else {
    rename(cond, "valueType", "type");
    notes.push(`${label}: valueType '${valueType}' has no counterpart (string or number); left as written`);
  }
  return undefined;
}

function migrateFilter(doc: Document, item: YAMLMap, index: number, notes: string[]): void {
  const id = scalarText(item.get("id", true));
  const title = scalarText(item.get("name", true));
  const name = kebab(title ?? id ?? `filter-${index + 1}`);
  const label = `filter ${name}`;
  if (pairOf(item, "name")) (item.get("name", true) as Scalar).value = name;
  else insertAfter(doc, item, "id", "name", name);
  if (id !== undefined) item.delete("id");
  if (!pairOf(item, "description"))
    insertAfter(
      doc,
      item,
      "name",
      "description",
      title && title !== name ? title : `Migrated from filter ${id ?? name}.`,
    );
  const consumer = scalarText(item.get("consumerId", true));
  rename(item, "consumerId", "consumer", consumer === undefined ? undefined : kebab(consumer));
  if (!pairOf(item, "version")) insertAfter(doc, item, "outputTopic", "version", 1);

  const conditions = item.get("conditions", true);
  const logic = scalarText(item.get("conditionLogic", true))?.toUpperCase();
  item.delete("conditionLogic");
  let operations: Operation[] | undefined;
  if (isSeq(conditions)) {
    const kept = conditions.items.filter((c) => {
      if (!isMap(c)) return true;
      const ops = migrateCondition(c, label, notes);
      if (ops) operations = ops;
      return !ops;
    });
    conditions.items = kept;
    const group = doc.createNode({}) as YAMLMap;
    group.set(logic === "OR" ? "any" : "all", conditions);
    if (kept.length > 0) item.set("conditions", group);
    else item.delete("conditions");
  }
  if (!pairOf(item, "operations")) {
    if (operations) notes.push(`${label}: operations [${operations.join(", ")}] from its condition on __op`);
    else {
      operations = ["create"];
      notes.push(
        `${label}: operations [create] written: the older format routed only inserts (its SQL added __op = 'c'); add snapshot to also deliver the rows that existed before the connector started`,
      );
    }
    insertAfter(doc, item, "version", "operations", doc.createNode(operations, { flow: true }));
  }
}

/** The migrated text and notes; throws InputError if the file is not the older format or the result is invalid. */
export function migrateLegacyFilters(text: string, file: string): Migration {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new InputError(
      doc.errors.slice(0, 3).map((e) => `YAML syntax error in ${file}: ${e.message.split("\n")[0]}`),
    );
  const root = doc.contents;
  const list = isSeq(root) ? root : isMap(root) ? root.get("filters", true) : undefined;
  if (!isSeq(list)) throw new InputError(`${file}: no list of filters (a top-level list, or one under 'filters:')`);
  if (isSeq(root)) {
    const wrapped = doc.createNode({}) as YAMLMap;
    // The file's opening comment stays at the top, above `filters:`.
    const first = root.items[0] as { commentBefore?: string | null } | undefined;
    doc.commentBefore =
      [doc.commentBefore, root.commentBefore, first?.commentBefore].filter(Boolean).join("\n") || null;
    root.commentBefore = null;
    if (first) first.commentBefore = null;
    wrapped.set("filters", root);
    doc.contents = wrapped as unknown as typeof doc.contents;
  }
  const notes: string[] = [];
  list.items.forEach((item, i) => {
    if (isMap(item)) migrateFilter(doc, item, i, notes);
  });
  const migrated = doc.toString({ lineWidth: 0 });
  try {
    parseFiltersYaml(migrated, `${file} (migrated)`);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(
      [...e.problems, ...notes.map((n) => `note: ${n}`)],
      "the migrated file does not validate: fix the older file (or the result by hand); nothing was written",
    );
  }
  return { text: migrated, notes };
}

/**
 * The columns of each captured table as last locked, and the column changes synth refuses. A raw topic's value
 * schema is a closed content model (connectors/postgres-cdc.ts), and Schema Registry checks each new version
 * against the last under BACKWARD compatibility (Confluent, "Schema Evolution and Compatibility", JSON Schema
 * rules: docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html). Against a closed
 * model an added optional property is compatible; a removed property or a changed type is not, so the connector
 * would stop at its next record. Running statements keep the columns they started with either way.
 */
import type { Filter, FilterSet, Source } from "../filters/model";
import { type DeclaredColumn, qualifiedName } from "../stages/tables";
import type { LockedSource, StageLock } from "./lock-file";

const columnText = (c: DeclaredColumn): string => `${c.name} ${c.type}${c.optional ? "" : " not null"}`;
const columnName = (text: string): string => text.split(" ")[0];

/** What the lock records of the stage's sources. */
export function lockedSources(sources: readonly Source[]): Record<string, LockedSource> {
  return Object.fromEntries(
    sources.map((s) => [s.rawTopic, { table: qualifiedName(s), columns: s.columns.map(columnText) }]),
  );
}

/**
 * Every change of a captured table's columns that Schema Registry would refuse, with the safe path: a column
 * removed, retyped (type or nullability) or moved. Adding columns after the last is the one change allowed.
 */
export function sourceColumnProblems(lock: StageLock | undefined, sources: readonly Source[]): string[] {
  const problems: string[] = [];
  for (const source of sources) {
    const locked = lock?.sources?.[source.rawTopic];
    if (!locked) continue;
    const table = qualifiedName(source);
    const where = source.location ? ` at ${source.location}` : "";
    const now = source.columns.map(columnText);
    locked.columns.forEach((was, i) => {
      const name = columnName(was);
      const current = now.find((c) => columnName(c) === name);
      if (current === undefined)
        problems.push(
          `column ${name} of ${table} was removed${where}: the raw subject ${source.rawTopic}-value would refuse the connector's next schema (a property removed from a closed content model is incompatible) and the connector would stop. Keep the column declared and in the table (stop writing it: it reads NULL); to drop it, route ${table} to a new raw topic (sources: topic) and bump its filters' versions, then drop the column`,
        );
      else if (current !== was)
        problems.push(
          `column ${name} of ${table} changed from '${was}' to '${current}'${where}: a changed type or nullability is incompatible for the raw subject ${source.rawTopic}-value and the connector would stop. Add a new column with the new type instead, move the writers and filters to it, and keep the old one`,
        );
      else if (now[i] !== was)
        problems.push(
          `column ${name} of ${table} moved${where}: columns keep their order (the connector numbers them in table order; ALTER TABLE ... ADD COLUMN appends). Declare new columns after ${columnName(locked.columns[locked.columns.length - 1])}`,
        );
    });
  }
  return problems;
}

/** A lock that records sources other than the stage's: columns were declared without `npm run statements:lock`. */
export function staleSourcesProblem(lock: StageLock | undefined, sources: readonly Source[], stage: string): string[] {
  if (!lock?.sources) return [];
  const want = JSON.stringify(lockedSources(sources));
  if (JSON.stringify(lock.sources) === want) return [];
  return [
    `${stage}: lock/statements.lock.json records other captured tables or columns than the filters file declares; run \`npm run statements:lock\` and commit the result`,
  ];
}

/**
 * A filter that lists no columns routes its source's fields as they were when its version was locked, so a column
 * added to the source changes no running statement; the filter's next version routes the new column too.
 */
export function withLockedDefaultColumns(set: FilterSet, lock: StageLock | undefined): FilterSet {
  const pin = (f: Filter): Filter => {
    const locked = lock?.definitions?.[f.name];
    if (!f.defaultColumns || !locked || locked.version !== f.version) return f;
    const columns = locked.columns.split(", ").filter((c) => f.columns.includes(c));
    return columns.length === f.columns.length ? f : { ...f, columns };
  };
  return { ...set, filters: set.filters.map(pin) };
}

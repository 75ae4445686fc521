/**
 * Statement evolution without replay or gap. A Confluent Cloud statement's SQL cannot change in place, so a
 * changed filter is a new statement. The committed lock file (lock/statements.lock.json) records per stage
 * the statements that run and the ones kept stopped, with their exact SQL, so synth knows the previous
 * statement of every filter without asking the cloud:
 *
 * - a new statement that replaces one in the lock carries its offsets over
 *   (`sql.tables.initial-offset-from` = the old name) and the old one is kept, stopped;
 * - a statement whose filters are all gone is kept, stopped (its topic stays declared);
 * - stopped statements of the previous change are dropped by the next change, or by `--cleanup`, or once
 *   Confluent's retention of stopped statements runs out (see retention below);
 * - a new filter's statement starts at the raw topic's earliest retained offset (Confluent's default).
 *
 * Pure: old lock + generated statements -> new lock, or the problems that forbid it.
 */
import { definitionChanges, type FilterDefinition, filterDefinition, sameDefinition } from "../filters/canonical";
import type { GeneratedStatement } from "../flink-sql/generate";
import { statementLimitProblems } from "../flink-sql/limits";
import { InputError } from "../lib/errors";
import { today } from "./clock";
import type { LockedStatement, StageLock } from "./lock-file";
import { retentionRunOut } from "./retention";

export const CARRY_OVER_PROPERTY = "sql.tables.initial-offset-from";

/**
 * What synth and the lock tool refuse for a stage: a change Confluent Cloud would refuse or that would replay or
 * lose events, a lock that does not describe the filters, a limit the stage's resources cannot meet.
 */
export class StageRefusal extends InputError {}

function locked(s: GeneratedStatement): LockedStatement {
  return {
    name: s.name,
    sql: s.dml,
    filters: s.filters.map((f) => f.name),
    topics: Object.fromEntries(s.filters.map((f) => [f.name, f.outputTopic])),
  };
}

const deployedFilters = (generated: readonly GeneratedStatement[]) => generated.flatMap((g) => g.filters);

/** Filters whose meaning differs from the lock's record at the same version, or whose version went down. */
function definitionProblems(
  generated: readonly GeneratedStatement[],
  previous: StageLock | undefined,
  stage: string,
): string[] {
  const problems: string[] = [];
  for (const f of deployedFilters(generated)) {
    const locked = previous?.definitions?.[f.name];
    if (!locked) continue;
    const now = filterDefinition(f);
    if (now.version < locked.version) {
      problems.push(
        `${stage}: filter ${f.name} went from version ${locked.version} back to ${now.version}; versions only go up: set version to ${locked.version + 1} in filters.yaml`,
      );
      continue;
    }
    const changes = now.version === locked.version ? definitionChanges(locked, now) : [];
    if (changes.length > 0) {
      problems.push(
        `${stage}: filter ${f.name} changed at version ${now.version} (${changes.join("; ")}); bump version to ${now.version + 1} in filters.yaml, then run \`npm run statements:lock\``,
      );
    }
  }
  return problems;
}

/** Statements that must not run twice under one name: same name, other SQL (Confluent cannot change it in place). */
function sameNameProblems(
  generated: readonly GeneratedStatement[],
  previous: StageLock | undefined,
  stage: string,
): string[] {
  const known = new Map([...(previous?.running ?? []), ...(previous?.stopped ?? [])].map((s) => [s.name, s]));
  return generated
    .filter((g) => {
      const old = known.get(g.name);
      return old !== undefined && old.sql !== g.dml;
    })
    .map(
      (g) =>
        `${stage}: statement ${g.name} would get new SQL under the same name (filter ${g.filters.map((f) => `${f.name} v${f.version}`).join(", ")} changed without a version bump, or the generator's output changed); bump its version to ${Math.max(...g.filters.map((f) => f.version)) + 1} in filters.yaml`,
    );
}

function partitionProblems(
  partitions: Record<string, number>,
  previous: StageLock | undefined,
  stage: string,
): string[] {
  const locked = previous?.partitions ?? {};
  return Object.entries(partitions)
    .filter(([topic, n]) => locked[topic] !== undefined && n < locked[topic])
    .map(
      ([topic, n]) =>
        `${stage}: topic ${topic} would go from ${locked[topic]} to ${n} partitions; Kafka cannot remove partitions (create a new topic instead)`,
    );
}

/**
 * What neither the lock tool nor synth may accept: a change without a version bump, a partition decrease, a
 * statement name or text Confluent Cloud would refuse.
 */
function guardProblems(
  generated: readonly GeneratedStatement[],
  previous: StageLock | undefined,
  partitions: Record<string, number>,
  stage: string,
): string[] {
  const meaning = definitionProblems(generated, previous, stage);
  // A changed meaning also changes a per-filter statement's SQL; name the cause once.
  return [
    ...(meaning.length > 0 ? meaning : sameNameProblems(generated, previous, stage)),
    ...partitionProblems(partitions, previous, stage),
    ...statementLimitProblems(generated, stage),
  ];
}

function definitionsOf(generated: readonly GeneratedStatement[]): Record<string, FilterDefinition> {
  return Object.fromEntries(deployedFilters(generated).map((f) => [f.name, filterDefinition(f)]));
}

export interface EvolveOptions {
  /** Drop the stopped statements kept from the previous change. */
  cleanup?: boolean;
  /** UTC date (YYYY-MM-DD) of this run. @default - the clock (lock/clock.ts) */
  today?: string;
  /**
   * Date the kept stopped statements `today`: for a change applied long after it was locked, whose statements
   * stopped only now (otherwise synth would leave them out while they still run).
   */
  restartRetention?: boolean;
}

/**
 * The lock after deploying `generated`: what `npm run statements:lock` writes. Throws StageRefusal for a
 * change without a version bump, a partition decrease or a statement over Confluent's limits. `today` (default:
 * the clock, lock/clock.ts) dates the statements it stops and drops stopped ones past retention.
 */
export function evolveLock(
  previous: StageLock | undefined,
  generated: readonly GeneratedStatement[],
  partitions: Record<string, number>,
  stage: string,
  options: EvolveOptions = {},
): StageLock {
  const date = options.today ?? today();
  const problems = guardProblems(generated, previous, partitions, stage);
  if (problems.length > 0) throw new StageRefusal(problems);
  const oldRunning = previous?.running ?? [];
  const byName = new Map(oldRunning.map((s) => [s.name, s]));
  const generatedNames = new Set(generated.map((g) => g.name));
  const running = generated.map((g): LockedStatement => {
    const same = byName.get(g.name);
    if (same) return same;
    // The old statement that routed these filters. One predecessor may have several successors: the parts of a
    // split shard all start where it stopped (flink-sql/shards.ts), as do the per-filter statements of a former set.
    const filterNames = new Set(g.filters.map((f) => f.name));
    const predecessor = oldRunning.find(
      (s) => !generatedNames.has(s.name) && s.filters.some((f) => filterNames.has(f)),
    );
    return predecessor ? { ...locked(g), carriedOverFrom: predecessor.name } : locked(g);
  });
  const runningNames = new Set(running.map((s) => s.name));
  const newlyStopped = oldRunning.filter((s) => !runningNames.has(s.name)).map((s) => ({ ...s, stoppedOn: date }));
  // A change keeps only the statements it stops; older stopped ones go (their successors run already), and so
  // do those Confluent deletes anyway. A stopped statement recorded without a date gets today's: no earlier stop
  // is known, and a later date only keeps it longer (then its import block fails the plan, never re-creating it).
  const olderStopped = (previous?.stopped ?? [])
    .map((s) => ({ ...s, stoppedOn: options.restartRetention ? date : (s.stoppedOn ?? date) }))
    .filter((s) => !retentionRunOut(s, date));
  const stopped = options.cleanup ? [] : newlyStopped.length > 0 ? newlyStopped : olderStopped;
  const retired = retiredFilters(previous, generated);
  return {
    running,
    stopped,
    partitions: { ...(previous?.partitions ?? {}), ...partitions },
    // A retired filter's definition stays while its topic does: its columns and consumer keep the topic's value
    // schema and its reader's grant (constructs/topics.ts, access/grants.ts).
    definitions: {
      ...Object.fromEntries(
        Object.keys(retired ?? {}).flatMap((f) => (previous?.definitions?.[f] ? [[f, previous.definitions[f]]] : [])),
      ),
      ...definitionsOf(generated),
    },
    ...(retired ? { retired } : {}),
  };
}

/** Removed filters' topics so far, plus those this change removes, minus filters deployed again; sorted. */
function retiredFilters(
  previous: StageLock | undefined,
  generated: readonly GeneratedStatement[],
): Record<string, string> | undefined {
  const deployed = new Set(deployedFilters(generated).map((f) => f.name));
  const removed = (previous?.running ?? []).flatMap((s) => Object.entries(s.topics));
  const all = [...Object.entries(previous?.retired ?? {}), ...removed].filter(([filter]) => !deployed.has(filter));
  return all.length > 0 ? Object.fromEntries(all.sort(([a], [b]) => a.localeCompare(b))) : undefined;
}

/** Synth-time check: the committed lock must describe exactly the statements the filters generate now. */
export function lockProblems(
  lock: StageLock | undefined,
  generated: readonly GeneratedStatement[],
  partitions: Record<string, number>,
  stage: string,
): string[] {
  const problems = guardProblems(generated, lock, partitions, stage);
  if (problems.length > 0) return problems;
  const want = generated.map((g) => g.name).join(",");
  const have = (lock?.running ?? []).map((s) => s.name).join(",");
  if (want !== have) {
    return [
      `${stage}: lock/statements.lock.json is out of date (locked: ${have || "none"}; filters generate: ${want || "none"}); run \`npm run statements:lock\` and commit the result`,
    ];
  }
  const unrecorded = deployedFilters(generated).filter(
    (f) => !sameDefinition(lock?.definitions?.[f.name], filterDefinition(f)),
  );
  if (unrecorded.length > 0) {
    return [
      `${stage}: lock/statements.lock.json does not record the definition of ${unrecorded.map((f) => `${f.name} v${f.version}`).join(", ")}; run \`npm run statements:lock\` and commit the result`,
    ];
  }
  const undated = (lock?.stopped ?? []).filter((s) => !s.stoppedOn);
  if (undated.length > 0) {
    return [
      `${stage}: lock/statements.lock.json does not record when ${undated.map((s) => s.name).join(", ")} stopped; run \`npm run statements:lock\` and commit the result`,
    ];
  }
  return [];
}

/** Removed filters (name -> topic): recorded as retired, or routed by a stopped statement and no running one. */
export function retiredTopics(lock: StageLock | undefined): Map<string, string> {
  const running = new Set((lock?.running ?? []).flatMap((s) => s.filters));
  const retired = new Map<string, string>();
  const named = [
    ...Object.entries(lock?.retired ?? {}),
    ...(lock?.stopped ?? []).flatMap((s) => Object.entries(s.topics)),
  ];
  for (const [filter, topic] of named) if (!running.has(filter)) retired.set(filter, topic);
  return retired;
}

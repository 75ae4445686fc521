/**
 * Statement evolution without replay or gap. A Confluent Cloud statement's SQL cannot change in place, so a
 * changed filter is a new statement. The committed lock file (flink-sql/statements.lock.json) records per stage
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
import { definitionChanges, filterDefinition, sameDefinition, type FilterDefinition } from "../filters/canonical";
import type { LockedConnector } from "../connectors/connector-lock";
import { today } from "./clock";
import type { GeneratedStatement } from "./generate";
import { statementLimitProblems } from "./limits";

export const CARRY_OVER_PROPERTY = "sql.tables.initial-offset-from";

export interface LockedStatement {
  name: string;
  /** The statement text exactly as deployed (needed to keep it, stopped, without replacing it). */
  sql: string;
  filters: string[];
  /** Output topic of each filter, so a removed filter's topic can stay declared under its old resource id. */
  topics: Record<string, string>;
  /** Statement whose offsets this one started from; kept for the statement's life (properties are part of it). */
  carriedOverFrom?: string;
  /**
   * Stopped statements only: the UTC date (YYYY-MM-DD) `npm run statements:lock` first recorded it as stopped. The
   * apply that stops it runs later, so Confluent's 30-day retention ends no earlier than this date says.
   */
  stoppedOn?: string;
  /** Properties as deployed; they cannot change in place (flink-sql/deployed-attributes.ts). */
  properties?: Record<string, string>;
  /** Construct id of the Flink API key it was deployed with; its credentials cannot change in place either. */
  flinkApiKey?: string;
}

export interface StageLock {
  running: LockedStatement[];
  stopped: LockedStatement[];
  /** Partition counts as last locked: Kafka cannot take partitions away. */
  partitions: Record<string, number>;
  /**
   * The meaning of each deployed filter at its locked version. Its SQL alone cannot tell: in the set shape a
   * changed filter only changes the set's hash, so without this a change without a version bump would pass.
   */
  definitions?: Record<string, FilterDefinition>;
  /**
   * Output topics of removed filters (filter -> topic). Protected stages keep them declared (prevent_destroy):
   * their data outlives the filter, so neither `--cleanup` nor retention, which drop the stopped statement that
   * named them, may take the topic's block away (Terraform would then plan its deletion).
   */
  retired?: Record<string, string>;
  /** The stage's CDC connector and its snapshot mode (connectors/connector-lock.ts). */
  connector?: LockedConnector;
}

export type LockFile = Record<string, StageLock>;

export class EvolutionError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

function locked(s: GeneratedStatement): LockedStatement {
  return { name: s.name, sql: s.dml, filters: s.filters.map((f) => f.name), topics: Object.fromEntries(s.filters.map((f) => [f.name, f.outputTopic])) };
}

const deployedFilters = (generated: readonly GeneratedStatement[]) => generated.flatMap((g) => g.filters);

/** Filters whose meaning differs from the lock's record at the same version, or whose version went down. */
function definitionProblems(generated: readonly GeneratedStatement[], previous: StageLock | undefined, stage: string): string[] {
  const problems: string[] = [];
  for (const f of deployedFilters(generated)) {
    const locked = previous?.definitions?.[f.name];
    if (!locked) continue;
    const now = filterDefinition(f);
    if (now.version < locked.version) {
      problems.push(`${stage}: filter ${f.name} went from version ${locked.version} back to ${now.version}; versions only go up: set version to ${locked.version + 1} in filters.yaml`);
      continue;
    }
    const changes = now.version === locked.version ? definitionChanges(locked, now) : [];
    if (changes.length > 0) {
      problems.push(`${stage}: filter ${f.name} changed at version ${now.version} (${changes.join("; ")}); bump version to ${now.version + 1} in filters.yaml, then run \`npm run statements:lock\``);
    }
  }
  return problems;
}

/** Statements that must not run twice under one name: same name, other SQL (Confluent cannot change it in place). */
function sameNameProblems(generated: readonly GeneratedStatement[], previous: StageLock | undefined, stage: string): string[] {
  const known = new Map([...(previous?.running ?? []), ...(previous?.stopped ?? [])].map((s) => [s.name, s]));
  return generated
    .filter((g) => known.has(g.name) && known.get(g.name)!.sql !== g.dml)
    .map((g) => `${stage}: statement ${g.name} would get new SQL under the same name (filter ${g.filters.map((f) => `${f.name} v${f.version}`).join(", ")} changed without a version bump, or the generator's output changed); bump its version to ${Math.max(...g.filters.map((f) => f.version)) + 1} in filters.yaml`);
}

function partitionProblems(partitions: Record<string, number>, previous: StageLock | undefined, stage: string): string[] {
  return Object.entries(partitions)
    .filter(([topic, n]) => previous?.partitions[topic] !== undefined && n < previous.partitions[topic])
    .map(([topic, n]) => `${stage}: topic ${topic} would go from ${previous!.partitions[topic]} to ${n} partitions; Kafka cannot remove partitions (create a new topic instead)`);
}

/**
 * What neither the lock tool nor synth may accept: a change without a version bump, a partition decrease, a
 * statement name or text Confluent Cloud would refuse.
 */
function guardProblems(generated: readonly GeneratedStatement[], previous: StageLock | undefined, partitions: Record<string, number>, stage: string): string[] {
  const meaning = definitionProblems(generated, previous, stage);
  // A changed meaning also changes a per-filter statement's SQL; name the cause once.
  return [...(meaning.length > 0 ? meaning : sameNameProblems(generated, previous, stage)), ...partitionProblems(partitions, previous, stage), ...statementLimitProblems(generated, stage)];
}

function definitionsOf(generated: readonly GeneratedStatement[]): Record<string, FilterDefinition> {
  return Object.fromEntries(deployedFilters(generated).map((f) => [f.name, filterDefinition(f)]));
}

export interface EvolveOptions {
  /** Drop the stopped statements kept from the previous change. */
  cleanup?: boolean;
  /** UTC date (YYYY-MM-DD) of this run. @default - the clock (flink-sql/clock.ts) */
  today?: string;
  /**
   * Date the kept stopped statements `today`: for a change applied long after it was locked, whose statements
   * stopped only now (otherwise synth would leave them out while they still run).
   */
  restartRetention?: boolean;
}

/**
 * The lock after deploying `generated`: what `npm run statements:lock` writes. Throws EvolutionError for a
 * change without a version bump, a partition decrease or a statement over Confluent's limits. `today` (default:
 * the clock, flink-sql/clock.ts) dates the statements it stops and drops stopped ones past retention.
 */
export function evolveLock(previous: StageLock | undefined, generated: readonly GeneratedStatement[], partitions: Record<string, number>, stage: string, options: EvolveOptions = {}): StageLock {
  const date = options.today ?? today();
  const problems = guardProblems(generated, previous, partitions, stage);
  if (problems.length > 0) throw new EvolutionError(problems);
  const oldRunning = previous?.running ?? [];
  const byName = new Map(oldRunning.map((s) => [s.name, s]));
  const generatedNames = new Set(generated.map((g) => g.name));
  const running = generated.map((g): LockedStatement => {
    const same = byName.get(g.name);
    if (same) return same;
    // The old statement that routed these filters. One predecessor may have several successors: the parts of a
    // split shard all start where it stopped (flink-sql/shards.ts), as do the per-filter statements of a former set.
    const filterNames = new Set(g.filters.map((f) => f.name));
    const predecessor = oldRunning.find((s) => !generatedNames.has(s.name) && s.filters.some((f) => filterNames.has(f)));
    return predecessor ? { ...locked(g), carriedOverFrom: predecessor.name } : locked(g);
  });
  const runningNames = new Set(running.map((s) => s.name));
  const newlyStopped = oldRunning.filter((s) => !runningNames.has(s.name)).map((s) => ({ ...s, stoppedOn: date }));
  // A change keeps only the statements it stops; older stopped ones go (their successors run already), and so
  // do those Confluent deletes anyway. A stopped statement recorded without a date gets today's: no earlier stop
  // is known, and a later date only keeps it longer (then its import block fails the plan, never re-creating it).
  const olderStopped = (previous?.stopped ?? []).map((s) => ({ ...s, stoppedOn: options.restartRetention ? date : (s.stoppedOn ?? date) })).filter((s) => !retentionRunOut(s, date));
  const stopped = options.cleanup ? [] : newlyStopped.length > 0 ? newlyStopped : olderStopped;
  const retired = retiredFilters(previous, generated);
  return { running, stopped, partitions: { ...(previous?.partitions ?? {}), ...partitions }, definitions: definitionsOf(generated), ...(retired ? { retired } : {}) };
}

/** Removed filters' topics so far, plus those this change removes, minus filters deployed again; sorted. */
function retiredFilters(previous: StageLock | undefined, generated: readonly GeneratedStatement[]): Record<string, string> | undefined {
  const deployed = new Set(deployedFilters(generated).map((f) => f.name));
  const removed = (previous?.running ?? []).flatMap((s) => Object.entries(s.topics));
  const all = [...Object.entries(previous?.retired ?? {}), ...removed].filter(([filter]) => !deployed.has(filter));
  return all.length > 0 ? Object.fromEntries(all.sort(([a], [b]) => a.localeCompare(b))) : undefined;
}

/** Synth-time check: the committed lock must describe exactly the statements the filters generate now. */
export function lockProblems(lock: StageLock | undefined, generated: readonly GeneratedStatement[], partitions: Record<string, number>, stage: string): string[] {
  const problems = guardProblems(generated, lock, partitions, stage);
  if (problems.length > 0) return problems;
  const want = generated.map((g) => g.name).join(",");
  const have = (lock?.running ?? []).map((s) => s.name).join(",");
  if (want !== have) {
    return [`${stage}: flink-sql/statements.lock.json is out of date (locked: ${have || "none"}; filters generate: ${want || "none"}); run \`npm run statements:lock\` and commit the result`];
  }
  const unrecorded = deployedFilters(generated).filter((f) => !sameDefinition(lock?.definitions?.[f.name], filterDefinition(f)));
  if (unrecorded.length > 0) {
    return [`${stage}: flink-sql/statements.lock.json does not record the definition of ${unrecorded.map((f) => `${f.name} v${f.version}`).join(", ")}; run \`npm run statements:lock\` and commit the result`];
  }
  const undated = (lock?.stopped ?? []).filter((s) => !s.stoppedOn);
  if (undated.length > 0) {
    return [`${stage}: flink-sql/statements.lock.json does not record when ${undated.map((s) => s.name).join(", ")} stopped; run \`npm run statements:lock\` and commit the result`];
  }
  return [];
}

/**
 * Retention. "Confluent Cloud for Apache Flink enforces a 30-day retention for statements in terminal states ...
 * once a statement transitions to the STOPPED state, it ... is deleted after 30 days" ("Flink SQL Statements in
 * Confluent Cloud for Apache Flink", https://docs.confluent.io/cloud/current/flink/concepts/statements.html;
 * confluent provider issue #687). A kept statement Confluent deleted would fail the plan at its import block, so it
 * leaves the stack one day before: from then on Terraform deletes it itself if it still exists (an already
 * stopped statement: not destructive, its successor runs), or finds nothing to do.
 */
export const STOPPED_RETENTION_DAYS = 30;
const KEPT_DAYS = STOPPED_RETENTION_DAYS - 1;
const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The first day a statement stopped on `stoppedOn` is no longer kept (YYYY-MM-DD, UTC). */
export function retentionEnds(stoppedOn: string): string {
  if (!DATE.test(stoppedOn)) throw new Error(`stoppedOn ${stoppedOn} is not a date (YYYY-MM-DD)`);
  return new Date(Date.parse(`${stoppedOn}T00:00:00Z`) + KEPT_DAYS * DAY_MS).toISOString().slice(0, 10);
}

/** An undated stopped statement is kept: lockProblems asks for the lock tool, which dates it. */
const retentionRunOut = (s: LockedStatement, today: string): boolean => s.stoppedOn !== undefined && today >= retentionEnds(s.stoppedOn);

/** The stopped statements a stack keeps on `today`, and those it leaves out because Confluent deletes them. */
export function keptStopped(lock: StageLock | undefined, today: string): { kept: LockedStatement[]; expired: LockedStatement[] } {
  const stopped = lock?.stopped ?? [];
  return { kept: stopped.filter((s) => !retentionRunOut(s, today)), expired: stopped.filter((s) => retentionRunOut(s, today)) };
}

/** The line synth and the lock tool print for a stopped statement left out on `today`. */
export function expiredNotice(stage: string, s: LockedStatement): string {
  return `${stage}: stopped statement ${s.name} (stopped ${s.stoppedOn}) is left out: Confluent deletes stopped statements ${STOPPED_RETENTION_DAYS} days after they stop, so it is dropped from ${retentionEnds(s.stoppedOn as string)} on instead of being imported or re-created`;
}

/** Removed filters (name -> topic): recorded as retired, or routed by a stopped statement and no running one. */
export function retiredTopics(lock: StageLock | undefined): Map<string, string> {
  const running = new Set((lock?.running ?? []).flatMap((s) => s.filters));
  const retired = new Map<string, string>();
  const named = [...Object.entries(lock?.retired ?? {}), ...(lock?.stopped ?? []).flatMap((s) => Object.entries(s.topics))];
  for (const [filter, topic] of named) if (!running.has(filter)) retired.set(filter, topic);
  return retired;
}

/**
 * Confluent deletes stopped statements 30 days after they stop; the lock records when each stopped, and synth
 * leaves a kept statement out one day before Confluent deletes it.
 */
import type { LockedStatement, StageLock } from "./lock-file";

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
export const retentionRunOut = (s: LockedStatement, today: string): boolean =>
  s.stoppedOn !== undefined && today >= retentionEnds(s.stoppedOn);

/** The stopped statements a stack keeps on `today`, and those it leaves out because Confluent deletes them. */
export function keptStopped(
  lock: StageLock | undefined,
  today: string,
): { kept: LockedStatement[]; expired: LockedStatement[] } {
  const stopped = lock?.stopped ?? [];
  return {
    kept: stopped.filter((s) => !retentionRunOut(s, today)),
    expired: stopped.filter((s) => retentionRunOut(s, today)),
  };
}

/** The line synth and the lock tool print for a stopped statement left out on `today`. */
export function expiredNotice(stage: string, s: LockedStatement): string {
  return `${stage}: stopped statement ${s.name} (stopped ${s.stoppedOn}) is left out: Confluent deletes stopped statements ${STOPPED_RETENTION_DAYS} days after they stop, so it is dropped from ${retentionEnds(s.stoppedOn as string)} on instead of being imported or re-created`;
}

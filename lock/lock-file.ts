/**
 * The lock file (lock/statements.lock.json): per stage, the statements that run and the ones kept stopped with
 * their exact SQL, partition counts, filter definitions, retired topics and the CDC connector. Written by
 * `npm run statements:lock` (lock/stage-lock.ts), read by synth. Stable key order and formatting, so diffs stay small.
 */
import { existsSync, readFileSync } from "node:fs";
import type { FilterDefinition } from "../filters/canonical";
import { InputError } from "../lib/errors";
import { writeFileAtomically } from "../lib/files";
import type { LockedConnector } from "./connector-lock";

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
  /** The stage's CDC connector and its snapshot mode (lock/connector-lock.ts). */
  connector?: LockedConnector;
  /** Each captured table's columns by raw topic, as last locked (lock/source-columns.ts). */
  sources?: Record<string, LockedSource>;
}

/** A captured table as last locked (lock/source-columns.ts). */
export interface LockedSource {
  table: string;
  /** `name type` or `name type not null`, in table order. */
  columns: string[];
}

export type LockFile = Record<string, StageLock>;

export const DEFAULT_LOCK_FILE = "lock/statements.lock.json";
/** The lock synth and `statements:lock` use: CDC_ROUTING_LOCK, read when called (tests and tools set it per run). */
export const lockFile = (env: NodeJS.ProcessEnv = process.env): string => env.CDC_ROUTING_LOCK || DEFAULT_LOCK_FILE;
/** Where the lock lived before the statement lifecycle left flink-sql/. */
const LEGACY_LOCK_FILE = "flink-sql/statements.lock.json";

/**
 * A missing lock reads as a stage never deployed; so a lock left at its old place must not go unnoticed: the
 * next `statements:lock` would record every stage afresh, forgetting carry-overs, retired topics and the connector.
 */
export function movedLockProblem(path: string, exists: (p: string) => boolean = existsSync): string | undefined {
  if (path !== DEFAULT_LOCK_FILE || exists(path) || !exists(LEGACY_LOCK_FILE)) return undefined;
  return `the lock file moved from ${LEGACY_LOCK_FILE} to ${DEFAULT_LOCK_FILE}; run \`git mv ${LEGACY_LOCK_FILE} ${DEFAULT_LOCK_FILE}\` and commit it`;
}

export function readLock(path = lockFile()): LockFile {
  const moved = movedLockProblem(path);
  if (moved) throw new InputError(moved);
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockFile;
  } catch (e) {
    throw new InputError(`${path} is not valid JSON (${(e as Error).message}); restore it from git`);
  }
}

/** Written to a temporary file and renamed: an interrupted run never leaves half a lock behind. */
export function writeLock(lock: LockFile, path = lockFile()): void {
  const sorted = Object.fromEntries(
    Object.keys(lock)
      .sort()
      .map((k) => [k, lock[k]]),
  );
  writeFileAtomically(path, `${JSON.stringify(sorted, null, 2)}\n`);
}

/**
 * Engines a jest worker keeps from one e2e suite to the next suite it runs (issue 28: engines shared across suites
 * where isolation allows): a Kafka broker (local/shared-broker.ts) and a Flink runner (local/shared-flink.ts). Each
 * runs detached from the suite that started it; a record file per worker and kind names its process, where it
 * answers and which suite holds it now.
 *
 * The e2e global setup makes the folder SHARED_ENGINES_ENV names; the global teardown stops every process recorded
 * there (stopSharedEngines).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signalGroup, sleep } from "../lib/run";
import { ARCHIVE_WRITING_GRACE_MS } from "./class-data-sharing";
import { processStartTime } from "./processes";

export const SHARED_ENGINES_ENV = "CDC_ROUTING_SHARED_ENGINES";

export type SharedKind = "kafka" | "flink";

export interface SlotRecord {
  pid: number;
  /** Tells the process from a later one with the same pid (processStartTime). */
  startTime: string;
  /** The test file (module instance) using it now, or undefined once it was handed back. */
  holder?: string;
}

/** This module's instance: jest loads modules again for each test file, so it names the suite that holds an engine. */
const HOLDER = randomBytes(6).toString("hex");

/** Whether this suite holds the engine `record` describes (then a second pipeline or runner gets its own). */
export function heldHere(record: SlotRecord | undefined): boolean {
  return record?.holder === HOLDER;
}

/** Records the engine as held by this suite; returns what hands it back to the worker's next suite. */
export function hold<T extends SlotRecord>(file: string, record: T): () => void {
  writeSlot(file, { ...record, holder: HOLDER });
  return () => writeSlot(file, { ...record, holder: undefined });
}

/** The folder of the run's shared engines, or undefined where engines are not shared (outside a jest worker). */
export function sharedEnginesDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[SHARED_ENGINES_ENV] && env.JEST_WORKER_ID ? env[SHARED_ENGINES_ENV] : undefined;
}

/** The record file of this jest worker's engine of `kind`, or undefined where engines are not shared. */
export function slotFile(kind: SharedKind, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = sharedEnginesDir(env);
  return dir ? join(dir, `worker-${env.JEST_WORKER_ID}.${kind}.json`) : undefined;
}

export function readSlot<T extends SlotRecord>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Written under a temporary name and renamed: a reader never sees half a record. */
export function writeSlot(file: string, record: SlotRecord): void {
  writeFileSync(`${file}.new`, JSON.stringify(record));
  renameSync(`${file}.new`, file);
}

export function slotRunning(record: SlotRecord): boolean {
  return processStartTime(record.pid) === record.startTime;
}

/** SIGTERM to the process group, SIGKILL once `graceMs` passed; resolves when it is gone. */
export async function stopSlotProcess(record: SlotRecord, graceMs = ARCHIVE_WRITING_GRACE_MS): Promise<void> {
  signalGroup(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (slotRunning(record)) {
    if (Date.now() > deadline) signalGroup(record.pid, "SIGKILL");
    await sleep(100);
  }
}

/** The global teardown's: stops every shared engine of the run; returns how many of each kind ran. */
export async function stopSharedEngines(dir: string): Promise<Record<SharedKind, number>> {
  const stopped: Record<SharedKind, number> = { kafka: 0, flink: 0 };
  if (!existsSync(dir)) return stopped;
  const records = readdirSync(dir)
    .map((f) => /^worker-\d+\.(kafka|flink)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kind: m[1] as SharedKind, record: readSlot(join(dir, m[0])) }))
    .filter((r): r is { kind: SharedKind; record: SlotRecord } => r.record !== undefined && slotRunning(r.record));
  await Promise.all(
    records.map(async ({ kind, record }) => {
      await stopSlotProcess(record);
      stopped[kind]++;
    }),
  );
  return stopped;
}

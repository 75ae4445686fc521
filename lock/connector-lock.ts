/**
 * Which CDC connector a stage runs, recorded in lock/statements.lock.json beside its statements, so that a
 * replacement never re-snapshots. Pure: old record + the connector name the stage asks for -> new record.
 *
 * A Confluent connector's offsets belong to the connector: a new one starts without any ("confluent connect
 * offset delete": "identical to creating a fresh new connector"). With `snapshot.mode=initial` it would snapshot
 * the whole table again, replaying every row into the raw topic and the consumers. The stage's first connector
 * takes that snapshot; every later one (a rename) gets `no_data` and streams from the stack's replication slot,
 * which kept every WAL segment since the old connector's last confirmed position: no gap, no snapshot (Debezium
 * 3.2 reference, linked from Confluent's PostgresCdcSourceV2 page: `no_data` "streams from the slot", `never`
 * before Debezium 2.6).
 */
import type { SnapshotMode } from "../connectors/postgres-cdc";

export interface LockedConnector {
  name: string;
  /** `initial` for the stage's first connector; `no_data` for one that replaces another on the same slot. */
  snapshotMode: SnapshotMode;
  /** The connector this one replaced (kept for the reader of the lock; nothing depends on it). */
  replaces?: string;
}

export function evolveConnector(previous: LockedConnector | undefined, name: string): LockedConnector {
  if (!previous) return { name, snapshotMode: "initial" };
  if (previous.name === name) return previous;
  return { name, snapshotMode: "no_data", replaces: previous.name };
}

/** Synth-time check: the lock must record the connector the stage names now. */
export function connectorLockProblems(locked: LockedConnector | undefined, name: string, stage: string): string[] {
  if (locked?.name === name) return [];
  const what = locked
    ? `records connector ${locked.name}, but the stage names ${name}`
    : `records no connector for ${name}`;
  return [
    `${stage}: lock/statements.lock.json ${what}; run \`npm run statements:lock\` and commit the result ` +
      "(a renamed connector replaces the old one and continues from the replication slot without a snapshot)",
  ];
}

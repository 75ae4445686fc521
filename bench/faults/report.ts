/**
 * The fault report's one row shape and its table: every fault trial runner (API faults, killed applies, engine
 * crashes) returns rows of this shape, and `npm run bench:faults` prints them as one table (docs/reliability.md).
 */
import { median } from "../stats";

export interface FaultRow {
  /** What was done, e.g. "429 on 20% of every route", "SIGKILL during a full dev apply", "kill -9 Kafka Connect". */
  fault: string;
  trials: number;
  /** Rows (or routed events) that never arrived, summed over the trials; must be 0. */
  lost: number;
  /** Extra copies, summed over the trials, per pipeline stage where it applies (e.g. { raw: 3, routed: 0 }). */
  duplicated: Record<string, number>;
  /** Seconds from the fault until the pipeline (or the re-run apply) had converged, per trial. */
  recoverySeconds: number[];
  /** One line on anything the numbers do not say (a kind the provider does not retry, a manual step). */
  note?: string;
}

function recovery(seconds: readonly number[]): string {
  if (seconds.length === 0) return "-";
  return `${median(seconds).toFixed(1)} s (max ${Math.max(...seconds).toFixed(1)} s)`;
}

function duplicates(perStage: Record<string, number>): string {
  const entries = Object.entries(perStage);
  return entries.length === 0 ? "0" : entries.map(([stage, n]) => `${stage} ${n}`).join(", ");
}

/** The report as a Markdown table, rows in the order given. */
export function faultTable(rows: readonly FaultRow[]): string {
  const lines = [
    "| fault | trials | lost | duplicated | recovery (median, max) | note |",
    "| --- | ---: | ---: | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.fault} | ${r.trials} | ${r.lost} | ${duplicates(r.duplicated)} | ${recovery(r.recoverySeconds)} | ${r.note ?? ""} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

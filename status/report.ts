/**
 * A stage's status as `cdc-routing status` reports it: one row per thing it checked (the connector and its tasks,
 * each statement, each consumer group, each raw topic, each subject), a verdict and an exit code. Pure: the readers
 * (status/read.ts) fill it, this renders it.
 */
import { EXIT } from "../lib/errors";

export type RowKind = "connector" | "task" | "statement" | "consumer" | "raw topic" | "subject";

export interface StatusRow {
  readonly kind: RowKind;
  readonly name: string;
  /** One word or number: RUNNING, FAILED, lag 42, 12 s ago, v3, ... */
  readonly state: string;
  /** The rest: root cause, detail, warnings, latest exception, thresholds. */
  readonly detail: string;
  readonly healthy: boolean;
}

export interface StatusReport {
  readonly stage: string;
  readonly rows: readonly StatusRow[];
}

export const isHealthy = (report: StatusReport): boolean => report.rows.every((r) => r.healthy);

/** 0 healthy, 1 unhealthy (a usage or connection error, 2, never gets as far as a report). */
export const statusExitCode = (report: StatusReport): number => (isHealthy(report) ? EXIT.ok : EXIT.failed);

export function verdict(report: StatusReport): string {
  const bad = report.rows.filter((r) => !r.healthy);
  if (bad.length === 0) return `verdict: ${report.stage} is healthy (${report.rows.length} checks)`;
  return `verdict: ${report.stage} is UNHEALTHY: ${bad.length} of ${report.rows.length} checks: ${bad
    .map((r) => `${r.kind} ${r.name} ${r.state}`)
    .join("; ")}`;
}

/** Long details (a Java cause chain) are cut in the table; --json has them whole. */
const MAX_DETAIL = 400;

/** The table: kind, name, state, detail, a mark on unhealthy rows; then the verdict. */
export function renderStatus(report: StatusReport): string {
  const width = (pick: (r: StatusRow) => string) => Math.max(0, ...report.rows.map((r) => pick(r).length));
  const [kind, name, state] = [width((r) => r.kind), width((r) => r.name), width((r) => r.state)];
  const lines = report.rows.map((r) => {
    const detail = r.detail.length > MAX_DETAIL ? `${r.detail.slice(0, MAX_DETAIL)}…` : r.detail;
    return `${r.healthy ? "  " : "! "}${r.kind.padEnd(kind)}  ${r.name.padEnd(name)}  ${r.state.padEnd(state)}  ${detail}`.trimEnd();
  });
  return [`cdc-routing status: ${report.stage}`, ...lines, verdict(report), ""].join("\n");
}

/** `--json`: the report, with the verdict. */
export function statusJson(report: StatusReport): string {
  return `${JSON.stringify({ stage: report.stage, healthy: isHealthy(report), verdict: verdict(report), rows: report.rows }, null, 2)}\n`;
}

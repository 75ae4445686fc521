/**
 * npm run bench:faults:engines — the engines behind the managed services crash while rows flow (issue 29, part 5).
 * dev is deployed to the local Confluent (offline/local-deploy.ts: PostgreSQL, Kafka, a Kafka Connect worker running
 * the managed connector as Debezium, each Flink statement in its own JVM, the Confluent Cloud API double in front);
 * for each crash kind and trial the load generator (bench/load/) writes rows, the engine crashes at a seeded point,
 * stays down a few seconds while `cdc-routing status` is captured, and comes back:
 * - Kafka Connect: kill -9 of the worker, the worker again with the connector's config (its offsets are on disk);
 * - Kafka: kill -9 of the broker, the broker again on its log directory;
 * - Flink: kill -9 of the statement's JVM, its job again from its last completed checkpoint;
 * - PostgreSQL: a fast shutdown and start (the replication slot is on disk).
 * Per trial: routed events lost (must be 0), copies per pipeline stage (raw topic: the connector is at-least-once;
 * consumer topics; and those the routing added beyond the raw topic's), and the time from the crash until every row
 * committed up to the first commit after the restart has reached its consumers.
 */

import { filtersFile } from "../../app/build-app";
import { loadFilters } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { type CommandIo, parseCommandLine, runScript } from "../../lib/command-line";
import { UsageError } from "../../lib/errors";
import { sleep } from "../../lib/run";
import { seededRandom } from "../../lib/seeded-random";
import { crashAndRestartWorker, restartFailedConnectors } from "../../local/connect";
import { crashAndRestartBroker } from "../../local/kafka";
import { restartPostgres } from "../../local/postgres";
import { stopAll, temporaryDir } from "../../local/processes";
import { type LocalConfluent, LocalStage, startLocalConfluent } from "../../offline/local-deploy";
import { type LocalDeployRecord, localStatus } from "../../offline/local-status";
import { terraformErrors } from "../../providers/mirror";
import { RAW_TOPIC_ROW, runLoad } from "../load/generator";
import type { LoadLedger } from "../load/ledger";
import type { LoadOptions } from "../load/plan";
import { progress as benchProgress, type Log, machineLine } from "../stats";
import { type FaultRow, faultTable } from "./report";

export const CRASH_KINDS = ["connect", "kafka", "flink", "postgres"] as const;
export type CrashKind = (typeof CRASH_KINDS)[number];

export const CRASH_NAMES: Record<CrashKind, string> = {
  connect: "kill -9 Kafka Connect worker, restart (connector resumes from its offsets)",
  kafka: "kill -9 Kafka broker, restart",
  flink: "kill -9 the statement's Flink JVM, recover from its last checkpoint",
  postgres: "PostgreSQL restart (fast shutdown, start; the slot survives)",
};

export interface EngineCrashOptions {
  kinds: readonly CrashKind[];
  trials: number;
  /** Events per second while a trial runs. */
  rate: number;
  /** The crash comes at a seeded point between these seconds after the load starts. */
  crashAfterSeconds: readonly [number, number];
  /** How long the crashed engine stays down (at least; the status capture may hold it longer). */
  downSeconds: number;
  /** Rows keep coming this long after the pipeline recovered. */
  tailSeconds: number;
  seed: number;
  /** How long the status capture may take during a fault. */
  statusTimeoutMs: number;
  /** How long after the restart the backlog may take to arrive before the trial counts as not recovered. */
  recoveryTimeoutMs: number;
  progress: Log;
}

export const DEFAULT_CRASH_OPTIONS: EngineCrashOptions = {
  kinds: CRASH_KINDS,
  trials: 3,
  rate: 50,
  crashAfterSeconds: [5, 10],
  downSeconds: 5,
  tailSeconds: 5,
  seed: 29,
  statusTimeoutMs: 45_000,
  recoveryTimeoutMs: 180_000,
  progress: benchProgress,
};

/** What `cdc-routing status` printed during a fault (its table's unhealthy rows and verdict, or its error). */
export interface StatusCapture {
  kind: CrashKind;
  exitCode: number | undefined;
  lines: string[];
}

/** One crash trial's outcome. */
export interface CrashTrial {
  kind: CrashKind;
  lost: number;
  /** Lost before the raw topic (the connector's); 0 or the routed figure cannot be trusted. */
  rawLost: number;
  duplicated: { raw: number; routed: number; addedByRouting: number };
  /** Raw records that came as snapshot reads ('r') instead of creates (the connector snapshotted again). */
  snapshotReads: number;
  /** Times the connector's task was FAILED after the crash and restarted (Confluent Cloud restarts it itself). */
  taskRestarts: number;
  /** From the crash until the engine answered again (held down while status was captured, then its start). */
  downSeconds: number;
  /**
   * From the crash until every row committed up to the first commit after the restart had reached its consumers;
   * NaN when that had not happened within recoveryTimeoutMs of the restart.
   */
  recoverySeconds: number;
  status: StatusCapture;
}

/** Copies the consumers received beyond the raw topic's copies of the same event: what the routing added. */
export function addedByRouting(ledger: Pick<LoadLedger, "consumers" | "duplicatedIds" | "copies">): number {
  let added = 0;
  for (const consumer of ledger.consumers.filter((c) => c !== RAW_TOPIC_ROW))
    for (const [id, copies] of ledger.duplicatedIds(consumer))
      added += Math.max(0, copies - Math.max(1, ledger.copies(RAW_TOPIC_ROW, id)));
  return added;
}

/** The lines of a status table worth quoting: unhealthy rows, the verdict, errors. */
export function statusLines(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("! ") || l.startsWith("verdict:") || l.startsWith("error:"))
    .map((l) => l.trimEnd());
}

async function captureStatus(kind: CrashKind, record: LocalDeployRecord, timeoutMs: number): Promise<StatusCapture> {
  const parts: string[] = [];
  const io: CommandIo = { out: (s) => parts.push(s), err: (s) => parts.push(s) };
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    localStatus(record, io).catch((e: Error) => {
      parts.push(`error: ${e.message}\n`);
      return 2;
    }),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const lines = statusLines(parts.join(""));
  if (code === undefined) lines.push(`(status did not answer within ${timeoutMs / 1000} s)`);
  return { kind, exitCode: code, lines };
}

/** The running statements' names (not stopped), from the double. */
function runningStatements(local: LocalConfluent): string[] {
  return [...local.double.store.statements.values()]
    .filter((s) => !s.spec.stopped && s.status.phase === "RUNNING")
    .map((s) => String(s.name))
    .sort();
}

/** Crashes one engine, runs `whileDown` while it is down, and brings it back. */
async function crash(kind: CrashKind, local: LocalConfluent, whileDown: () => Promise<void>, log: Log): Promise<void> {
  const quiet = () => undefined;
  if (kind === "connect") return crashAndRestartWorker(local.worker, whileDown, quiet);
  if (kind === "kafka") return crashAndRestartBroker(local.pipeline.kafka, whileDown, quiet);
  if (kind === "postgres") return restartPostgres(local.pipeline.postgres, whileDown, quiet);
  const [statement] = runningStatements(local);
  if (!statement) throw new Error("no running statement to crash");
  await local.engines.crashStatement(statement);
  await whileDown();
  log(`statement ${statement} recovered from ${await local.engines.recoverStatement(statement)}`);
}

export interface CrashContext {
  local: LocalConfluent;
  filters: FilterSet;
  record: LocalDeployRecord;
}

/** The load generator pointed at the local Confluent's database and broker: 400-byte payloads, two users. */
export function loadOptions(context: CrashContext, rate: number, durationSeconds: number): LoadOptions {
  const { pipeline } = context.local;
  return {
    rate,
    durationSeconds,
    payload: "400b",
    users: 2,
    stage: "dev",
    databaseUrl: `postgresql://postgres@127.0.0.1:${pipeline.ports.postgres}/${pipeline.postgres.database}`,
    bootstrapServers: pipeline.kafka.bootstrapServers,
    drainSeconds: 180,
  };
}

/** One trial: load, a crash at `crashAfterMs`, recovery, the rest of the load and its drain. */
export async function crashTrial(
  kind: CrashKind,
  context: CrashContext,
  o: EngineCrashOptions,
  crashAfterMs: number,
  runId: string,
): Promise<CrashTrial> {
  const { local, filters, record } = context;
  let ledger: LoadLedger | undefined;
  let recoveredAt: number | undefined;
  let taskRestarts = 0;
  // Long enough for any recovery; the writing ends tailSeconds after the pipeline recovered.
  const load = runLoad(loadOptions(context, o.rate, 600), {
    filters,
    runId,
    progress: o.progress,
    progressEverySeconds: 10,
    observe: (l) => (ledger = l),
    stopWhen: () => recoveredAt !== undefined && Date.now() > recoveredAt + o.tailSeconds * 1000,
  });
  const fault = (async () => {
    await sleep(crashAfterMs);
    const crashedAt = Date.now();
    o.progress(`${runId}: ${CRASH_NAMES[kind]}`);
    let status: StatusCapture | undefined;
    await crash(
      kind,
      local,
      async () => {
        [status] = await Promise.all([captureStatus(kind, record, o.statusTimeoutMs), sleep(o.downSeconds * 1000)]);
      },
      o.progress,
    );
    const restartedAt = Date.now();
    o.progress(`${runId}: back after ${((restartedAt - crashedAt) / 1000).toFixed(1)} s; waiting for the backlog`);
    let recovered = false;
    let lastLook = 0;
    while (!recovered && Date.now() - restartedAt < o.recoveryTimeoutMs) {
      const first = ledger?.firstCommitFrom(restartedAt);
      recovered = first !== undefined && (ledger?.caughtUpTo(first) ?? false);
      if (recovered) break;
      // The local connector fails fast (connectors/debezium-local.ts: errors.max.retries 0); Confluent Cloud
      // restarts a managed connector's failed task itself, so the trial does what the platform does.
      if (Date.now() - lastLook > 2000) {
        lastLook = Date.now();
        const restarted = await restartFailedConnectors(local.worker.restUrl).catch(() => []);
        if (restarted.length > 0) {
          taskRestarts += restarted.length;
          o.progress(`${runId}: restarted the failed task of ${restarted.join(", ")}`);
        }
      }
      await sleep(200);
    }
    recoveredAt = Date.now();
    if (!recovered) o.progress(`${runId}: the backlog did not arrive within ${o.recoveryTimeoutMs / 1000} s`);
    return {
      downSeconds: (restartedAt - crashedAt) / 1000,
      recoverySeconds: recovered ? (recoveredAt - crashedAt) / 1000 : Number.NaN,
      status: status as StatusCapture,
    };
  })();
  const [result, { downSeconds, recoverySeconds, status }] = await Promise.all([load, fault]);
  const raw = result.consumers.find((c) => c.consumer === RAW_TOPIC_ROW);
  const routed = result.consumers.filter((c) => c.consumer !== RAW_TOPIC_ROW);
  return {
    kind,
    lost: routed.reduce((n, c) => n + c.lost + c.unexpected, 0),
    rawLost: raw?.lost ?? 0,
    duplicated: {
      raw: raw?.duplicated ?? 0,
      routed: routed.reduce((n, c) => n + c.duplicated, 0),
      addedByRouting: ledger ? addedByRouting(ledger) : 0,
    },
    snapshotReads: result.snapshotReads,
    taskRestarts,
    downSeconds,
    recoverySeconds,
    status,
  };
}

/** The trials of one kind as a row of the fault report. */
export function crashRow(kind: CrashKind, trials: readonly CrashTrial[]): FaultRow {
  const sum = (pick: (t: CrashTrial) => number) => trials.reduce((n, t) => n + pick(t), 0);
  const rawLost = sum((t) => t.rawLost);
  const raw = sum((t) => t.duplicated.raw);
  const snapshotReads = sum((t) => t.snapshotReads);
  const unrecovered = trials.filter((t) => Number.isNaN(t.recoverySeconds)).length;
  return {
    fault: CRASH_NAMES[kind],
    trials: trials.length,
    lost: sum((t) => t.lost),
    duplicated: {
      raw,
      routed: sum((t) => t.duplicated.routed),
      "added by routing": sum((t) => t.duplicated.addedByRouting),
    },
    recoverySeconds: trials.map((t) => t.recoverySeconds).filter((x) => !Number.isNaN(x)),
    note: [
      rawLost ? `${rawLost} rows never reached the raw topic` : "",
      snapshotReads ? `${snapshotReads} rows came as snapshot reads ('r'), not creates` : "",
      sum((t) => t.taskRestarts)
        ? `connector task FAILED and restarted in ${trials.filter((t) => t.taskRestarts).length} of ${trials.length}`
        : "",
      unrecovered ? `${unrecovered} trials not caught up within the timeout` : "",
      `down ${trials.map((t) => t.downSeconds.toFixed(0)).join(", ")} s`,
      `status during the fault: ${[...new Set(trials.map((t) => (t.status.exitCode === undefined ? "no answer" : `exit ${t.status.exitCode}`)))].join(", ")}`,
    ]
      .filter(Boolean)
      .join("; "),
  };
}

/** The local Confluent with dev deployed to it, and what status needs to find it. */
export async function deployedDev(log: Log, workDir: (label: string) => string): Promise<CrashContext> {
  // Its broker is crashed: one of its own, not the e2e worker's shared one.
  const local = await startLocalConfluent(() => undefined, { sharedBroker: false });
  try {
    const dev = new LocalStage(local, "dev", workDir("cdktf-out"));
    log("npx cdktf deploy dev to the local Confluent");
    const deployed = await dev.deploy();
    if (deployed.code !== 0) throw new Error(`cdktf deploy failed:\n${terraformErrors(deployed.output)}`);
    const context: CrashContext = {
      local,
      filters: loadFilters(filtersFile()),
      record: {
        stage: "dev",
        doubleUrl: local.double.url,
        stackDir: dev.stackDir,
        bootstrapServers: local.pipeline.kafka.bootstrapServers,
      },
    };
    // Rows through the whole pipeline first, so the connector has committed offsets: a connector that crashes
    // before its first offset commit snapshots the table again on restart (snapshot.mode initial), and the rows
    // inserted so far then arrive as snapshot reads ('r'), which filters of creates do not route.
    const warmUp = await runLoad(loadOptions(context, 10, 3), {
      filters: context.filters,
      progress: log,
      runId: `warm-up-${Date.now().toString(36)}`,
    });
    if (warmUp.consumers.some((c) => c.lost > 0)) throw new Error("the warm-up rows did not all arrive");
    return context;
  } catch (e) {
    await local.stop();
    throw e;
  }
}

/** Every trial of every kind on one deployed dev; the rows of the fault report and the status captures. */
export async function engineCrashTrials(
  options: Partial<EngineCrashOptions> = {},
  context?: CrashContext,
): Promise<{ rows: FaultRow[]; trials: CrashTrial[] }> {
  const o = { ...DEFAULT_CRASH_OPTIONS, ...options };
  const random = seededRandom(o.seed);
  const ctx = context ?? (await deployedDev(o.progress, temporaryDir));
  const trials: CrashTrial[] = [];
  try {
    for (const kind of o.kinds)
      for (let trial = 1; trial <= o.trials; trial++) {
        const [from, to] = o.crashAfterSeconds;
        const crashAfterMs = Math.round((from + random() * (to - from)) * 1000);
        const t = await crashTrial(kind, ctx, o, crashAfterMs, `crash-${kind}-${o.seed}-${trial}`);
        o.progress(
          `${kind} trial ${trial}: lost ${t.lost}, duplicated raw ${t.duplicated.raw} routed ${t.duplicated.routed} (added by routing ${t.duplicated.addedByRouting}), down ${t.downSeconds.toFixed(1)} s, recovered in ${t.recoverySeconds.toFixed(1)} s`,
        );
        trials.push(t);
      }
  } finally {
    if (!context) await ctx.local.stop();
  }
  return {
    rows: o.kinds.map((k) =>
      crashRow(
        k,
        trials.filter((t) => t.kind === k),
      ),
    ),
    trials,
  };
}

/** The report `engineCrashTrials` returns, as rows only (the fault report's aggregator takes these). */
export async function engineCrashRows(options: Partial<EngineCrashOptions> = {}): Promise<FaultRow[]> {
  return (await engineCrashTrials(options)).rows;
}

const USAGE = `usage: npm run bench:faults:engines -- [--trials 3] [--rate 50] [--seed 29] [--kinds connect,kafka,flink,postgres]

Deploys dev to the local Confluent and crashes each engine while the load generator writes rows: kill -9 of the
Kafka Connect worker, of the Kafka broker, of a statement's Flink JVM (recovered from its last checkpoint), and a
PostgreSQL restart. Prints the fault report's rows (lost, duplicated per stage, recovery time) and what
cdc-routing status showed during each crash.`;

function parseKinds(text: string): CrashKind[] {
  const kinds = text.split(",").map((k) => k.trim());
  const unknown = kinds.find((k) => !(CRASH_KINDS as readonly string[]).includes(k));
  if (unknown) throw new UsageError(`unknown crash kind '${unknown}'; expected some of: ${CRASH_KINDS.join(", ")}`);
  return kinds as CrashKind[];
}

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, {
    trials: { type: "string" },
    rate: { type: "string" },
    seed: { type: "string" },
    kinds: { type: "string" },
  });
  const number = (name: string, text: string | undefined, fallback: number) => {
    const n = Number(text ?? fallback);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number`);
    return n;
  };
  const started = Date.now();
  const { rows, trials } = await engineCrashTrials({
    trials: number("trials", values.trials, DEFAULT_CRASH_OPTIONS.trials),
    rate: number("rate", values.rate, DEFAULT_CRASH_OPTIONS.rate),
    seed: number("seed", values.seed, DEFAULT_CRASH_OPTIONS.seed),
    kinds: values.kinds ? parseKinds(values.kinds) : CRASH_KINDS,
  });
  process.stdout.write(
    [
      `engine crashes: ${machineLine()}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
      "",
      faultTable(rows),
      "cdc-routing status during each crash (first trial of each kind):",
      ...CRASH_KINDS.flatMap((k) => {
        const t = trials.find((x) => x.kind === k);
        return t ? [`${k}: exit ${t.status.exitCode ?? "(none)"}`, ...t.status.lines.map((l) => `  ${l}`)] : [];
      }),
      "",
    ].join("\n"),
  );
}

if (require.main === module) void runScript(USAGE, main, { cleanup: stopAll, exit: true });

/**
 * What a test run left behind: processes it started that still run, and entries in the system temp dir with
 * its own prefix. Only this run's processes (its ledger, see recordStarted) and names count: other runs on the
 * same machine (developers, CI jobs, parallel sessions) start JVMs and temp dirs of their own.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { temporaryPrefix } from "./processes";

interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
  startTime: string;
  command: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    return {
      pid,
      command: stat.slice(stat.indexOf("(") + 1, close),
      state: fields[0],
      pgrp: Number(fields[2]),
      startTime: fields[19],
    };
  } catch {
    return undefined; // gone
  }
}

/** Ledger lines "pid starttime" -> the started processes, or members of their process groups, still running. */
export function survivingProcesses(ledger: string): string[] {
  return survivors(ledger).map(describe);
}

function describe(s: ProcStat): string {
  return `pid ${s.pid} (${s.command}, process group ${s.pgrp})`;
}

function survivors(ledger: string): ProcStat[] {
  const started = ledger
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [pid, startTime] = line.split(" ");
      return { pid: Number(pid), startTime };
    });
  const groups = new Set(started.map((s) => s.pid));
  const alive = (s: ProcStat | undefined): s is ProcStat => s !== undefined && s.state !== "Z";
  const survivors = new Map<number, ProcStat>();
  for (const s of started) {
    const stat = readStat(s.pid);
    if (alive(stat) && stat.startTime === s.startTime) survivors.set(s.pid, stat);
  }
  // Each service runs in its own process group (pgid = its pid): whatever it spawned is in that group.
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (alive(stat) && groups.has(stat.pgrp) && stat.pid !== process.pid) survivors.set(stat.pid, stat);
  }
  return [...survivors.values()];
}

/** Entries of the system temp dir carrying this run's prefix. */
export function leftoverTempEntries(runId: string): string[] {
  const prefix = temporaryPrefix(runId);
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(tmpdir(), name));
}

export interface RunLedger {
  runId: string;
  dir: string;
  file: string;
}

export function ledgerOf(runId: string, file: string): RunLedger {
  return { runId, dir: dirname(file), file };
}

/** A run id and its ledger file (in a directory with the run's prefix, removed by finishRun). */
export function startRun(runId: string): RunLedger {
  const dir = mkdtempSync(join(tmpdir(), `${temporaryPrefix(runId)}ledger-`));
  return { runId, dir, file: join(dir, "started-processes") };
}

/**
 * Removes the ledger, then lists what the run left behind (empty when nothing) and kills the processes among it: a
 * jest worker that crashed never ran its suite's afterAll, and its engines must not outlive the run.
 */
export function finishRun(run: RunLedger): string[] {
  let ledger = "";
  try {
    ledger = readFileSync(run.file, "utf8");
  } catch {
    // nothing was started
  }
  rmSync(run.dir, { recursive: true, force: true });
  const running = survivors(ledger);
  for (const p of running) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  return [
    ...running.map((p) => `process still running (now killed): ${describe(p)}`),
    ...leftoverTempEntries(run.runId).map((e) => `left in the temp dir: ${e}`),
  ];
}

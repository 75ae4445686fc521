/**
 * Child processes of the local harness: started in their own process group, logged to a file, waited on until
 * ready, and all stopped on exit, on Ctrl-C and on failure, so no broker or JVM outlives the run.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT, InputError } from "../lib/errors";
import { signalGroup, sleep } from "../lib/run";
import { recordTiming } from "../lib/timings";

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  /** Resolves true once the service answers; polled until timeoutMs. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
  /** Keep stdin and stdout as pipes (for services driven by commands); stdout is then not logged. */
  stdin?: boolean;
  /** Called once the process exists, before readiness polling (e.g. to read its stdout). */
  onSpawn?: (child: ChildProcess) => void;
  /**
   * The TCP port the service answers on: ready only once this process listens there. A port picked as free can
   * be taken by another suite's engine before this one binds it, and that engine would answer the readiness check.
   */
  port?: number;
  /** Called when the process ended, with its exit code and signal (e.g. to keep what a JVM wrote at exit). */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** How long stop() waits after SIGTERM before SIGKILL. @default 10 s */
  stopGraceMs?: number;
}

export interface RunningService {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
  /** Sends `signal` to the process group and waits for the process to end (a crash: SIGKILL). */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The same command started again (same ports, files and readiness check), e.g. after kill. */
  restart(progress?: Progress): Promise<RunningService>;
}

/**
 * Prefix of every temporary directory this run makes in the system temp dir. A test run sets
 * CDC_ROUTING_RUN_ID so its end-of-run check finds its own leftovers and not those of runs beside it.
 */
export function temporaryPrefix(runId = process.env.CDC_ROUTING_RUN_ID): string {
  return runId ? `cdc-routing-${runId}-` : "cdc-routing-";
}

/** Temporary directories made together and removed together. */
export class TemporaryDirs {
  private readonly dirs = new Set<string>();

  create(label: string): string {
    const dir = mkdtempSync(join(tmpdir(), `${temporaryPrefix()}${label}-`));
    this.dirs.add(dir);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

/** Every running service with its place in the start order, which a restarted service keeps (stopAll). */
const running = new Map<RunningService, number>();
let servicesStarted = 0;
const tempDirs = new TemporaryDirs();
let handlersInstalled = false;

/** Whether process pid holds a listening TCP socket on port (Linux: its socket fds against /proc/net/tcp{,6}). */
export function listensOn(pid: number | undefined, port: number): boolean {
  if (pid === undefined) return false;
  const sockets = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith("socket:[")) sockets.add(target.slice("socket:[".length, -1));
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return false; // gone
  }
  const local = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return ["/proc/net/tcp", "/proc/net/tcp6"].some((table) => {
    const text = existsSync(table) ? readFileSync(table, "utf8") : "";
    // Columns: sl local_address rem_address st ... inode (the tenth); st 0A is LISTEN.
    return text
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .some((f) => f.length > 9 && f[1].endsWith(local) && f[3] === "0A" && sockets.has(f[9]));
  });
}

/** Thrown by a readiness check that knows the service will never become ready. */
export class ServiceFailed extends Error {}

/**
 * A service that could not bind its port: a port picked as free (lib/ports.ts freePort) was taken by another program
 * before the service bound it, e.g. as the local end of some connection on a machine shared with other runs.
 */
export class PortTaken extends InputError {}

/** Whether a service's log says a bind failed because the address was in use (PostgreSQL's, Java's and Node's words). */
export function saysPortTaken(log: string): boolean {
  return /address already in use/i.test(log);
}

export type Progress = (message: string) => void;
export const printProgress: Progress = (message) => process.stderr.write(`[local] ${message}\n`);

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Synchronous last resort: 'exit' handlers cannot await, so kill the groups outright.
  process.on("exit", () => {
    for (const s of running.keys()) killGroup(s.child, "SIGKILL");
    removeTempDirs();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void stopAll().finally(() => process.exit(EXIT.interrupted));
    });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child.pid, signal);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** SIGTERM, then SIGKILL after graceMs: a JVM that ignores the first signal still goes. */
async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
  await exited(child);
  clearTimeout(timer);
}

export function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}

/**
 * JVM options that keep a JVM's files inside dir (removed with the harness's temp dirs): java.io.tmpdir, where
 * Flink extracts its RPC jar and mini-cluster folders and native libraries (zstd, snappy) unpack, and no
 * hsperfdata file, which the JVM always writes under /tmp and leaves when it is killed.
 */
export function jvmTempOptions(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return ["-XX:-UsePerfData", `-Djava.io.tmpdir=${dir}`];
}

/** Set by the e2e global setup (and inherited by its workers): see quickStartJvmOptions. */
export const QUICK_JVMS_ENV = "CDC_ROUTING_QUICK_JVMS";

/** Whether JVMs start as the test runs start them (QUICK_JVMS_ENV): quickStartJvmOptions, local/flink.ts's tick. */
export const quickJvms = (env: NodeJS.ProcessEnv = process.env): boolean => env[QUICK_JVMS_ENV] === "1";

/**
 * The client compiler only and the serial collector, for JVMs that mostly start and then carry test-sized traffic:
 * on 2 shared cores a Kafka broker reached its port with half the CPU time (2.9-3.2 s against 4.9-6.8 s, measured
 * 2026-12-06 at load average 20-25), as a statement's JVM starts 15-30% faster (confluent-api/engines.ts). Only
 * where QUICK_JVMS_ENV is 1: benchmarks and `npm run local:up` keep the JVM's defaults for throughput.
 */
export function quickStartJvmOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  return quickJvms(env) ? ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"] : [];
}

/**
 * Records a started process (pid and its start time, which tells it from a later process with the same pid) in
 * the run's ledger (CDC_ROUTING_PID_LEDGER, set by the e2e setup), for the end-of-run check that none remains.
 */
export function recordStarted(pid: number | undefined): void {
  const ledger = process.env.CDC_ROUTING_PID_LEDGER;
  if (!ledger || pid === undefined) return;
  appendFileSync(ledger, `${pid} ${processStartTime(pid) ?? "?"}\n`);
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined when the process is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; fields after it follow the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

export function startService(spec: ServiceSpec, progress: Progress = printProgress): Promise<RunningService> {
  return launch(spec, progress, ++servicesStarted);
}

/** startService at a place in the stop order: a new one's, or for a restart the first start's (stopAll). */
async function launch(spec: ServiceSpec, progress: Progress, order: number): Promise<RunningService> {
  installExitHandlers();
  // The child writes its output to the log itself (appending, both streams): none of it passes through this
  // process, and a service that outlives it (detach) holds no pipe to it. Only a runner's answers (stdin: true)
  // come back on a pipe.
  const log = openSync(spec.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: spec.stdin ? ["pipe", "pipe", log] : ["ignore", log, log],
    });
  } finally {
    closeSync(log);
  }
  recordStarted(child.pid);
  // A command written while the program dies (a crash trial's kill -9, its exit not yet seen here) fails on the
  // pipe with EPIPE, an 'error' event that, unheard, would end the test process. The exit answers the command's
  // caller instead (FlinkRunner: AnswerRouter.exited).
  child.stdin?.on("error", () => undefined);
  if (spec.onExit) child.once("exit", spec.onExit);
  spec.onSpawn?.(child);
  const service: RunningService = {
    name: spec.name,
    child,
    logFile: spec.logFile,
    stop: async () => {
      const stopping = Date.now();
      await stopChild(child, spec.stopGraceMs);
      recordTiming("stop", `stopping ${spec.name}`, stopping);
      running.delete(service);
    },
    kill: async (signal) => {
      killGroup(child, signal);
      await exited(child);
      running.delete(service);
    },
    restart: (again = progress) => launch(spec, again, order),
  };
  running.set(service, order);
  const started = Date.now();
  progress(`starting ${spec.name} (log: ${spec.logFile})`);
  let spawnError: Error | undefined;
  child.once("error", (e) => (spawnError = e));
  while (Date.now() - started < spec.timeoutMs) {
    if (spawnError) break;
    if (child.exitCode !== null || child.signalCode !== null) break;
    let isReady: boolean;
    try {
      isReady = await spec.ready();
    } catch (e) {
      if (e instanceof ServiceFailed) {
        await service.stop();
        throw new InputError(
          `${spec.name} failed: ${e.message}. Last lines of ${spec.logFile}:\n${tail(spec.logFile)}`,
        );
      }
      isReady = false; // not answering yet
    }
    if (isReady && spec.port !== undefined && !listensOn(child.pid, spec.port)) isReady = false;
    if (isReady) {
      recordTiming("service", spec.name, started);
      progress(`${spec.name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return service;
    }
    await sleep(250);
  }
  await service.stop();
  const logText = existsSync(spec.logFile) ? readFileSync(spec.logFile, "utf8") : "";
  const why = spawnError
    ? `could not start ${spec.command}: ${spawnError.message}`
    : child.exitCode !== null
      ? `exited with code ${child.exitCode}`
      : `not ready after ${spec.timeoutMs / 1000} s`;
  const Failure = saysPortTaken(logText) ? PortTaken : InputError;
  throw new Failure(`${spec.name} ${why}. Last lines of ${spec.logFile}:\n${tail(spec.logFile)}`);
}

/**
 * Runs `start` (which picks its own free ports) again, up to `attempts` times in all, when an engine found its port
 * taken; everything the failed attempt started is stopped first. With `oneService`, `start` starts a single service
 * beside others that keep running: one that failed to start has already stopped itself (launch), so nothing else is.
 */
export async function startOnFreePorts<T>(
  start: () => Promise<T>,
  progress: Progress,
  { attempts = 3, oneService = false }: { attempts?: number; oneService?: boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= attempts) throw error;
      if (!oneService) await stopAll();
      progress(`a port picked as free was taken before its engine bound it; starting again on other free ports`);
    }
  }
}

/**
 * Both results once both settled, or the first failure once both settled: nothing is still starting when the
 * caller then stops what did start (stopAll).
 */
export async function settledBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === "rejected") throw ra.reason;
  if (rb.status === "rejected") throw rb.reason;
  return [ra.value, rb.value];
}

/**
 * Ends a service with `signal` (SIGKILL: a crash), runs `whileDown`, then starts the same command again (same
 * ports and files); `holder` gets the new service.
 */
export async function stopAndRestart(
  holder: { service: RunningService },
  signal: NodeJS.Signals,
  whileDown: () => Promise<void> = async () => undefined,
  progress?: Progress,
): Promise<void> {
  await holder.service.kill(signal);
  await whileDown();
  holder.service = await holder.service.restart(progress);
}

/**
 * The service outlives this module's stopAll and exit handlers: its owner stops it (a broker shared between e2e
 * suites, local/shared-broker.ts, which the run's teardown stops).
 */
export function detach(service: RunningService): void {
  running.delete(service);
  // Nor does it keep this process alive: a jest worker holding its broker could not exit when the run ended.
  service.child.unref();
}

/**
 * Stops every service this process started, newest first (consumers of a service before the service); a restarted
 * service stops where it first started: a database restarted under a running CDC connector stops after it, as
 * PostgreSQL's shutdown waits for a logical replication client to confirm the last WAL it sent.
 */
export async function stopAll(): Promise<void> {
  const newestFirst = [...running].sort(([, a], [, b]) => b - a);
  for (const [service] of newestFirst) await service.stop();
  removeTempDirs();
}

/** A directory removed when the harness stops, also after a failure. */
export function temporaryDir(label: string): string {
  installExitHandlers();
  return tempDirs.create(label);
}

function removeTempDirs(): void {
  if (process.env.CDC_ROUTING_KEEP_TMP) return;
  tempDirs.removeAll();
}

/** The version line of each Java command found good: one `java -version` per command and process, not per JVM. */
const checkedJava = new Map<string, string>();

/** The Java javaCommand() finds, with its version line. */
export function javaVersion(): string {
  const java = javaCommand();
  return `${java} ${checkedJava.get(java)}`;
}

/** Java 17+ must be on PATH (or JAVA_HOME); a clear message instead of a spawn error deep in a test. */
export function javaCommand(): string {
  const java = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : "java";
  if (checkedJava.has(java)) return java;
  // No perf data: even this probe would otherwise leave /tmp/hsperfdata_<user> behind.
  const probe = spawnSync(java, ["-XX:-UsePerfData", "-version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new InputError(
      `Java 17 or newer is needed for the local pipeline and was not found (${java}); install a JDK or set JAVA_HOME`,
    );
  }
  const match = /version "(\d+)/.exec(probe.stderr);
  if (!match || Number(match[1]) < 17) {
    throw new InputError(
      `Java 17 or newer is needed for the local pipeline; ${java} is ${match ? match[1] : "unknown"}`,
    );
  }
  checkedJava.set(java, probe.stderr.split("\n")[0]);
  return java;
}

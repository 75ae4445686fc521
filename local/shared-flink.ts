/**
 * One Flink runner JVM per jest worker, kept from one e2e suite to the next suite that worker runs, as its broker
 * (local/shared-broker.ts). The shipped filters' routing job cost 7.5 CPU s in a new runner and 1.2 CPU s in one
 * that ran it before (the planner's classes loaded and compiled once; `npm run bench:jvm-starts`, 2026-12-07,
 * docs/performance.md), and five suites and the double's statements each started one.
 *
 * Isolation: the runner serves one loopback connection at a time (FlinkSqlRunner --port-file); when a suite ends its
 * connection, the runner cancels the jobs that suite started and waits for them to end before it closes the
 * connection (the suite's close waits for that, before its broker is handed on) and takes the next, so a suite
 * finds no job of the last. Each suite's scripts, savepoints and checkpoints are in its own
 * folder, and each script gets a fresh TableEnvironment with the uids a fresh JVM would give it. A second runner in
 * the same suite (a successor JVM on purpose) is started as its own.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { signalGroup, sleep } from "../lib/run";
import { AnswerRouter, FlinkRunner, type RunnerChannel, startRunnerJvm } from "./flink";
import { detach, type Progress, processStartTime } from "./processes";
import { heldHere, hold, readSlot, type SlotRecord, slotFile, slotRunning, stopSlotProcess } from "./worker-slots";

interface RunnerRecord extends SlotRecord {
  port: number;
  logFile: string;
}

/** The Flink options of every shared runner (a runner's options are its JVM's: suites sharing one agree on them). */
export const SHARED_RUNNER_CONFIG: Readonly<Record<string, string>> = { "parallelism.default": "1" };

const READY_TIMEOUT_MS = 120_000;

async function startShared(file: string, progress: Progress): Promise<RunnerRecord> {
  const workDir = join(dirname(file), `flink-${randomBytes(4).toString("hex")}`);
  mkdirSync(workDir, { recursive: true });
  const portFile = join(workDir, "port");
  const service = await startRunnerJvm(
    { workDir, config: { ...SHARED_RUNNER_CONFIG }, programArguments: [`--port-file=${portFile}`] },
    { ready: async () => existsSync(portFile) },
    progress,
  );
  // The run's teardown stops it, not this suite's stopAll.
  detach(service);
  const pid = service.child.pid as number;
  return {
    pid,
    startTime: processStartTime(pid) ?? "?",
    port: Number(readFileSync(portFile, "utf8")),
    logFile: service.logFile,
  };
}

/**
 * A connection to the runner: resolves once it answered READY, which it does after it has cancelled and awaited
 * the jobs of the connection before.
 */
function connectTo(record: RunnerRecord, answers: AnswerRouter): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: record.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `the shared Flink runner on port ${record.port} did not answer READY in ${READY_TIMEOUT_MS / 1000} s`,
        ),
      );
    }, READY_TIMEOUT_MS);
    let ready = false;
    // Heard for as long as the socket lives: a JVM killed mid-command (a crash trial) resets the connection, and an
    // unheard 'error' would end the test process; the 'close' that follows answers every waiting command.
    socket.on("error", (e) => {
      if (ready) return;
      clearTimeout(timer);
      reject(e);
    });
    socket.once("close", () => answers.exited(null));
    const lines = createInterface({ input: socket });
    // readline passes the socket's errors on as its own: heard here as on the socket.
    lines.on("error", () => undefined);
    lines.on("line", (line) => {
      answers.line(line);
      if (line === "READY") {
        ready = true;
        clearTimeout(timer);
        resolve(socket);
      }
    });
  });
}

function channelOver(socket: Socket, record: RunnerRecord, release: () => void): RunnerChannel {
  return {
    write: (line) => socket.write(line),
    get alive() {
      return !socket.destroyed && slotRunning(record);
    },
    pid: record.pid,
    logFile: record.logFile,
    kill: async () => {
      signalGroup(record.pid, "SIGKILL");
      while (slotRunning(record)) await sleep(50);
    },
    close: async () => {
      if (!socket.destroyed) {
        const closed = new Promise((resolve) => socket.once("close", resolve));
        socket.end();
        await closed;
      }
      release();
    },
  };
}

/** A connection to the runner of `record`, recorded as held by this suite. */
async function take(file: string, record: RunnerRecord, workDir: string): Promise<FlinkRunner> {
  const answers = new AnswerRouter();
  const socket = await connectTo(record, answers);
  return FlinkRunner.attach(channelOver(socket, record, hold(file, record)), answers, workDir);
}

/**
 * This jest worker's Flink runner, for a suite whose scripts go to `workDir`; undefined where runners are not
 * shared here or the worker's runner is held by this suite already.
 */
export async function sharedFlinkRunner(workDir: string, progress: Progress): Promise<FlinkRunner | undefined> {
  const file = slotFile("flink");
  if (!file) return undefined;
  const previous = readSlot<RunnerRecord>(file);
  if (heldHere(previous)) return undefined;
  if (previous && slotRunning(previous)) {
    try {
      const runner = await take(file, previous, workDir);
      progress(`flink runner of the last suite taken over, on 127.0.0.1:${previous.port}`);
      return runner;
    } catch (e) {
      progress(`the last suite's flink runner did not answer (${(e as Error).message}): starting another`);
      await stopSlotProcess(previous, 10_000);
    }
  }
  return take(file, await startShared(file, progress), workDir);
}

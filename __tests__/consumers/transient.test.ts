/** The harness's bounded retries of passing Kafka/Flink states, and its end-of-run check for leftovers. */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from "kafkajs";
import { backoffMs, isTransientFlinkFailure, isTransientKafkaError, retryTransient } from "../../consumers/transient";
import { finishRun, startRun, survivingProcesses } from "../../local/leftovers";
import { processStartTime, temporaryPrefix, TemporaryDirs } from "../../local/processes";
import { sleep } from "../../lib/run";

// kafkajs builds these from its error table ({ type, code, retriable, message }); its typings only admit an Error.
const protocolError = (type: string, code: number) => new KafkaJSProtocolError({ type, code, retriable: true, message: type } as unknown as Error);

describe("transient Kafka and Flink states", () => {
  test("leader, coordinator and metadata states are transient, also wrapped by kafkajs's own retrier", () => {
    expect(isTransientKafkaError(protocolError("NOT_LEADER_FOR_PARTITION", 6))).toBe(true);
    expect(isTransientKafkaError(protocolError("GROUP_LOAD_IN_PROGRESS", 14))).toBe(true);
    expect(isTransientKafkaError(protocolError("UNKNOWN_TOPIC_OR_PARTITION", 3))).toBe(true);
    expect(isTransientKafkaError(new KafkaJSConnectionError("Connection error: ECONNREFUSED"))).toBe(true);
    const wrapped = new KafkaJSNumberOfRetriesExceeded(protocolError("LEADER_NOT_AVAILABLE", 5), { retryCount: 5, retryTime: 100 });
    expect(isTransientKafkaError(wrapped)).toBe(true);
  });

  test("other errors are not: they reach the caller at once", () => {
    expect(isTransientKafkaError(protocolError("TOPIC_AUTHORIZATION_FAILED", 29))).toBe(false);
    expect(isTransientKafkaError(protocolError("TOPIC_ALREADY_EXISTS", 36))).toBe(false);
    expect(isTransientKafkaError(new Error("expect(received).toEqual(expected)"))).toBe(false);
    expect(isTransientFlinkFailure(new Error("Flink STOP failed: ... Failure reason: Not all required tasks are currently running."))).toBe(true);
    expect(isTransientFlinkFailure(new Error("Flink RUN failed: Object 'nope' not found"))).toBe(false);
  });

  test("retries a transient failure until it passes, and not a lasting one", async () => {
    let calls = 0;
    const flaky = async () => {
      if (++calls < 3) throw protocolError("NOT_LEADER_FOR_PARTITION", 6);
      return "offsets";
    };
    await expect(retryTransient("fetch offsets", flaky, { initialDelayMs: 1 })).resolves.toBe("offsets");
    expect(calls).toBe(3);

    let lasting = 0;
    const denied = async () => {
      lasting++;
      throw protocolError("TOPIC_AUTHORIZATION_FAILED", 29);
    };
    await expect(retryTransient("fetch offsets", denied, { initialDelayMs: 1 })).rejects.toThrow("TOPIC_AUTHORIZATION_FAILED");
    expect(lasting).toBe(1);
  });

  test("gives up after its time bound, naming the attempts and the last error", async () => {
    const never = async () => {
      throw protocolError("LEADER_NOT_AVAILABLE", 5);
    };
    await expect(retryTransient("create topics", never, { timeoutMs: 50, initialDelayMs: 5, maxDelayMs: 10 })).rejects.toThrow(
      /^create topics: still failing after \d+ attempts in 0.05 s: LEADER_NOT_AVAILABLE/,
    );
  });

  test("backoff doubles from the first pause up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 100, 2000))).toEqual([100, 200, 400, 800, 1600, 2000]);
  });
});

describe("end-of-run check", () => {
  const dirs = new TemporaryDirs();
  afterAll(() => dirs.removeAll());

  test("finds a started process still running, and its process group, until it stops", async () => {
    const child = spawn("sh", ["-c", "sleep 30 & wait"], { detached: true, stdio: "ignore" });
    try {
      const ledger = `${child.pid} ${processStartTime(child.pid!)}\n`;
      // The group member is a forked shell until it has exec'd sleep: wait for that.
      let survivors: string[] = [];
      for (let i = 0; i < 250 && !survivors.some((s) => s.includes("(sleep,")); i++, await sleep(20)) survivors = survivingProcesses(ledger);
      expect(survivors).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^pid ${child.pid} \\(sh, process group ${child.pid}\\)$`)), expect.stringMatching(/\(sleep, process group/)]));
      process.kill(-child.pid!, "SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
      for (let i = 0; i < 100 && survivingProcesses(ledger).length > 0; i++) await sleep(20);
      expect(survivingProcesses(ledger)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
    }
  });

  test("a pid reused by another process is not taken for the one the run started", async () => {
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await new Promise((resolve) => other.once("spawn", resolve));
      expect(survivingProcesses(`${other.pid} ${processStartTime(other.pid!)}\n`)).toHaveLength(1);
      // Same pid, another start time: the ledger's process is gone, whatever now has its number.
      expect(survivingProcesses(`${other.pid} 1\n`)).toEqual([]);
    } finally {
      other.kill("SIGKILL");
    }
  });

  test("finds entries with the run's prefix in the temp dir, not other runs' entries", () => {
    const run = startRun(`unit${process.pid}`);
    writeFileSync(run.file, "");
    const before = process.env.CDC_ROUTING_RUN_ID;
    process.env.CDC_ROUTING_RUN_ID = run.runId;
    let mine: string;
    try {
      mine = dirs.create("left");
    } finally {
      if (before === undefined) delete process.env.CDC_ROUTING_RUN_ID;
      else process.env.CDC_ROUTING_RUN_ID = before;
    }
    const other = dirs.create("other-run");
    expect(mine.split("/").pop()!.startsWith(temporaryPrefix(run.runId))).toBe(true);
    expect(finishRun(run)).toEqual([`left in the temp dir: ${mine}`]);
    expect(existsSync(run.dir)).toBe(false);
    expect(existsSync(other)).toBe(true);
  });
});

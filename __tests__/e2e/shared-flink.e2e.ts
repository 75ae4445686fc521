/**
 * local/shared-flink.ts on a real Flink runner, in a folder of its own (not the run's shared engines): the next
 * suite gets the same JVM with no job of the last still running; a second runner of the same suite is none of it;
 * a runner that died is replaced, and the run's teardown stops the one left.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "../../lib/run";
import type { FlinkRunner } from "../../local/flink";
import { TemporaryDirs } from "../../local/processes";
import { sharedFlinkRunner } from "../../local/shared-flink";
import { stopSharedEngines } from "../../local/worker-slots";
import { useOwnSharedEngines } from "./harness";

const quiet = () => undefined;
const temporary = new TemporaryDirs();

/** An unbounded job printing ten rows a second into the runner's log (Flink's print sink writes to its stdout). */
const PRINTING_JOB = [
  "CREATE TABLE ticks (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10')",
  "CREATE TABLE printed (n BIGINT) WITH ('connector' = 'print')",
  "INSERT INTO printed SELECT n FROM ticks",
];

async function taken(): Promise<FlinkRunner> {
  const runner = await sharedFlinkRunner(temporary.create("suite"), quiet);
  if (!runner) throw new Error("no shared Flink runner was handed out");
  return runner;
}

/** The log of the one runner the folder holds. */
function runnerLog(dir: string): string {
  const [workDir, ...others] = readdirSync(dir).filter((f) => f.startsWith("flink-"));
  if (others.length > 0) throw new Error(`more than one runner in ${dir}`);
  return join(dir, workDir, "flink.log");
}

/** The rows Flink's print sink wrote to the runner's log (`+I[<n>]` lines), from byte `from` on. */
function printedRows(dir: string, from = 0): string[] {
  return (
    readFileSync(runnerLog(dir))
      .subarray(from)
      .toString("utf8")
      .match(/^\+I\[.*\]$/gm) ?? []
  );
}

describe("a Flink runner shared between suites", () => {
  const shared = useOwnSharedEngines(temporary, "shared-flink-test");

  test("the next holder gets the same JVM, with the last holder's jobs ended; a second holder at once gets none", async () => {
    const first = await taken();
    const job = await first.submit(PRINTING_JOB);
    expect((await job.state()).state).toBe("RUNNING");
    expect(await sharedFlinkRunner(temporary.create("suite"), quiet)).toBeUndefined();
    // Printing while it runs (its tasks may start a while after the job is RUNNING): the check below, that it
    // stopped, could not pass with a job that never printed.
    const deadline = Date.now() + 60_000;
    while (printedRows(shared.dir).length === 0 && Date.now() < deadline) await sleep(100);
    expect(printedRows(shared.dir).length).toBeGreaterThan(0);
    await first.close();

    // close() returned once the runner had cancelled the job and seen it end: it prints no more rows.
    const closed = statSync(runnerLog(shared.dir)).size;
    const second = await taken();
    expect(second.pid).toBe(first.pid);
    await sleep(1500);
    expect({ printedAfterClose: printedRows(shared.dir, closed) }).toEqual({ printedAfterClose: [] });
    // The JVM still runs jobs for its next holder.
    await second.run(["CREATE TABLE sink (n INT) WITH ('connector' = 'blackhole')", "INSERT INTO sink VALUES (1)"]);
    await second.close();
  }, 180_000);

  test("a runner killed under a command answers it with an error; it is replaced, and the run's teardown stops the one left", async () => {
    const crashed = await taken();
    const job = await crashed.submit(PRINTING_JOB);
    // kill -9 as a crash trial does, and a command at once, before this process has seen the JVM go: the reset
    // connection fails the command instead of ending the suite with an unheard socket error.
    process.kill(crashed.pid as number, "SIGKILL");
    await expect(job.state()).rejects.toThrow(/Flink (runner exited|STATE script-1: the runner's JVM has exited)/);
    await crashed.kill();
    await crashed.close();
    const next = await taken();
    expect(next.pid).not.toBe(crashed.pid);
    expect(next.alive).toBe(true);
    await next.close();
    expect(await stopSharedEngines(shared.dir)).toEqual({ kafka: 0, flink: 1 });
  }, 180_000);
});

/** The harness's end-of-run check for leftover processes and temporary directories (local/leftovers.ts). */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { sleep } from "../../lib/run";
import { finishRun, startRun, survivingProcesses } from "../../local/leftovers";
import { processStartTime, TemporaryDirs, temporaryPrefix } from "../../local/processes";

describe("end-of-run check", () => {
  const dirs = new TemporaryDirs();
  afterAll(() => dirs.removeAll());

  test("finds a started process still running, and its process group, until it stops", async () => {
    const child = spawn("sh", ["-c", "sleep 30 & wait"], { detached: true, stdio: "ignore" });
    try {
      const ledger = `${child.pid} ${processStartTime(child.pid!)}\n`;
      // The group member is a forked shell until it has exec'd sleep: wait for that.
      let survivors: string[] = [];
      for (let i = 0; i < 250 && !survivors.some((s) => s.includes("(sleep,")); i++, await sleep(20))
        survivors = survivingProcesses(ledger);
      expect(survivors).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^pid ${child.pid} \\(sh, process group ${child.pid}\\)$`)),
          expect.stringMatching(/\(sleep, process group/),
        ]),
      );
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

  test("a process the run left running is reported and killed (a crashed worker never ran its afterAll)", async () => {
    const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      const run = startRun(`unit${process.pid}killed`);
      writeFileSync(run.file, `${child.pid} ${processStartTime(child.pid!)}\n`);
      const exited = new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
      expect(finishRun(run)).toEqual([
        `process still running (now killed): pid ${child.pid} (sleep, process group ${child.pid})`,
      ]);
      expect(await exited).toBe("SIGKILL");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
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

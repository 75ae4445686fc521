/**
 * killWithWholeState (bench/faults/kill-points.ts) against a real process that rewrites a JSON file in place the
 * way terraform writes local state (truncate, then write): a plain SIGKILL at a moment chosen without looking tears
 * the file; the kill the trials use never does.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { killWithWholeState, wholeOrAbsent } from "../../bench/faults/kill-points";
import { sleep } from "../../lib/run";
import { temporaryDirectory } from "../support/helpers";

jest.setTimeout(60_000);

/**
 * Rewrites `file` in place forever: truncate, the first half of a JSON document, a 2 ms pause, the second half; so
 * the file is cut short most of the time. Prints "written" once the first document is whole.
 */
const WRITER = `
const fs = require("node:fs");
const fd = fs.openSync(process.argv[1], "w+");
const text = JSON.stringify({ serial: 1, resources: Array.from({ length: 2000 }, (_, i) => ({ i, name: "r" + i })) });
const half = Math.floor(text.length / 2);
const pause = () => { const until = Date.now() + 2; while (Date.now() < until); };
for (let round = 0; ; round++) {
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, text.slice(0, half), 0);
  pause();
  fs.writeSync(fd, text.slice(half), half);
  if (round === 0) process.stdout.write("written\\n");
}
`;

/** The writer in a process group of its own, once it has written a whole document. */
async function startWriter(file: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", WRITER, file], { detached: true, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the writer exited (${code})`)));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));

/** Whether the file is whole after each of `trials` kills, each after a run of 5 to 25 ms. */
async function killed(trials: number, kill: (child: ChildProcess, file: string) => Promise<void>): Promise<boolean[]> {
  const dir = temporaryDirectory("whole-state-kill");
  const whole: boolean[] = [];
  for (let i = 0; i < trials; i++) {
    const file = join(dir, `state-${i}.json`);
    const child = await startWriter(file);
    await sleep(5 + ((i * 7) % 21));
    await kill(child, file);
    await exited(child);
    whole.push(wholeOrAbsent(file));
  }
  return whole;
}

describe("a kill while terraform's state file is whole (killWithWholeState)", () => {
  test("a plain SIGKILL tears the file in place; the kill the trials use leaves it whole every time", async () => {
    const plain = await killed(12, async (child) => {
      process.kill(-(child.pid as number), "SIGKILL");
    });
    // Not vacuous: the writer's file is cut short most of the time, and a kill that does not look finds it so.
    expect(plain.filter((w) => !w).length).toBeGreaterThan(0);
    const careful = await killed(12, (child, file) => killWithWholeState(child.pid as number, file));
    expect(careful).toEqual(careful.map(() => true));
  });

  test("a missing file is whole (terraform has not written state yet); an empty or cut-short one is not", () => {
    const dir = temporaryDirectory("whole-state-file");
    expect(wholeOrAbsent(join(dir, "none.json"))).toBe(true);
    const file = join(dir, "state.json");
    writeFileSync(file, "");
    expect(wholeOrAbsent(file)).toBe(false);
    writeFileSync(file, '{"serial": 3, "resources": [');
    expect(wholeOrAbsent(file)).toBe(false);
    writeFileSync(file, '{"serial": 3, "resources": []}');
    expect(wholeOrAbsent(file)).toBe(true);
  });
});

/** Running a command without blocking this process, and waiting. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { commandLabel, recordTiming } from "./timings";

export interface Run {
  code: number;
  /** stdout, then stderr (not interleaved): what a user would see of each, one after the other. */
  output: string;
  stdout: string;
  ms: number;
}

/**
 * Runs a command without blocking this process (the double answers terraform from here); never throws on exit codes.
 */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(command, args, { ...options, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      recordTiming("command", commandLabel(command, args), started);
      resolve({ code, output: `${stdout}${stderr}`, stdout, ms: Date.now() - started });
    });
  });
}

/** bin/run.js: runs a TypeScript entry point of the project compiled (cached, rebuilt when a source changed). */
export const RUN_ENTRY_POINT = join(__dirname, "..", "bin", "run.js");

/** One of the project's entry points (a path from the project root, e.g. "main.ts"), run as the npm scripts run it. */
export function runEntryPoint(
  entry: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return run(process.execPath, [RUN_ENTRY_POINT, entry, ...args], options);
}

/** A signal to a process group (a child spawned with `detached: true` leads one); a group already gone is no error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

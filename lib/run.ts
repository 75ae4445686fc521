/** Running a command without blocking this process, and waiting. */
import { execFile } from "node:child_process";
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

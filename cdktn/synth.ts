/**
 * One synth through the project's own entry point (main.ts) on either library: the same Node command for both,
 * `node --require tsx/cjs main.ts <args>`; on cdktn with cdktn/preload.ts preloaded as well, which redirects the
 * modules. No cdktf-cli or cdktn-cli is involved (cdktn-cli needs Node 22).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Run, run } from "../lib/run";
import { LAYOUT_ENV } from "./redirect";
import type { CdktnBuild } from "./setup";

const ROOT = resolve(__dirname, "..");

export const LIBRARIES = ["cdktf", "cdktn"] as const;
export type Library = (typeof LIBRARIES)[number];

export interface SynthCommand {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The command that runs main.ts with `mainArgs` on the library; `outdir` sets CDKTF_OUTDIR (both libraries read it). */
export function synthCommand(
  library: Library,
  mainArgs: readonly string[],
  build: CdktnBuild | undefined,
  options: { outdir?: string; env?: NodeJS.ProcessEnv } = {},
): SynthCommand {
  const preload: string[] = [];
  // tsx's transform cache off: a synth leaves nothing in the system temp dir, where tsx keeps it; each synth
  // transforms the sources it loads again instead.
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, CHECKPOINT_DISABLE: "1", TSX_DISABLE_CACHE: "1" };
  if (options.outdir) env.CDKTF_OUTDIR = options.outdir;
  if (library === "cdktn") {
    if (!build) throw new Error("a synth on cdktn needs the cdktn build (prepareCdktn)");
    preload.push("--require", join(__dirname, "preload.ts"));
    env[LAYOUT_ENV] = JSON.stringify(build.layout);
  }
  return {
    command: process.execPath,
    args: ["--require", require.resolve("tsx/cjs"), ...preload, join(ROOT, "main.ts"), ...mainArgs],
    cwd: ROOT,
    env,
  };
}

/** The version of cdktf the project installs (package.json pins it). */
export function cdktfVersion(): string {
  return (JSON.parse(readFileSync(require.resolve("cdktf/package.json"), "utf8")) as { version: string }).version;
}

/** Every stage synthesized on the library into `outdir` (stacks/<stage>/cdk.tf.json), without blocking. */
export function synthesizeAllStages(
  library: Library,
  build: CdktnBuild | undefined,
  outdir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  const { command, args, cwd, env: fullEnv } = synthCommand(library, ["--all"], build, { outdir, env });
  return run(command, args, { cwd, env: fullEnv });
}

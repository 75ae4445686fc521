/**
 * The base an offline plan starts from: the commit whose stack the deployed stage runs (by default the merge base
 * of HEAD and main, as a pull request's stage runs main), checked out in a temporary git worktree and synthesized
 * with its own code, so the plan of the working tree is the diff a deploy would show rather than a creation of
 * everything (which also fails on the import block of every kept stopped statement: constructs/flink-statements.ts).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { InputError } from "../lib/errors";
import { run } from "../lib/run";
import { temporaryPrefix } from "../local/processes";
import type { StageName } from "../stages/names";
import { LOCAL_CONFLUENT_ENV, rewriteStackForDouble } from "./stack-for-double";

/** What the plan starts from: the default base, a ref the user names, or nothing (`--from-empty`). */
export type BaseChoice = { kind: "default" } | { kind: "ref"; ref: string } | { kind: "empty" };

/** A commit to plan from, or why there is none (said in the plan's progress, which then starts from empty). */
export type PlanBase = { sha: string; description: string; label: string } | { why: string };

/** The branch the default base is taken from; origin/main when there is no local one (a CI checkout). */
const MAIN_BRANCHES = ["main", "origin/main"];

function git(repo: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8" });
  return { ok: !r.error && r.status === 0, out: (r.stdout ?? "").trim() || (r.stderr ?? "").trim() };
}

function commitOf(repo: string, ref: string): string | undefined {
  const r = git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return r.ok ? r.out : undefined;
}

/** `<short sha> <subject>`, the subject cut to one line's worth. */
function short(repo: string, sha: string): string {
  const line = git(repo, ["log", "-1", "--format=%h %s", sha]).out;
  return line.length > 72 ? `${line.slice(0, 71)}…` : line;
}

/** The commit the plan starts from in `repo`; a ref that names no commit is the user's error. */
export function resolveBase(choice: BaseChoice, repo: string): PlanBase {
  if (choice.kind === "empty") return { why: "--from-empty" };
  if (!git(repo, ["rev-parse", "--git-dir"]).ok) return { why: `${repo} is not in a git repository` };
  if (choice.kind === "ref") {
    const sha = commitOf(repo, choice.ref);
    if (!sha)
      throw new InputError(
        `--base '${choice.ref}' names no commit here (git rev-parse); name a branch, tag or commit, or plan from empty with --from-empty`,
      );
    return { sha, label: choice.ref, description: `--base ${choice.ref}: ${short(repo, sha)}` };
  }
  if (!commitOf(repo, "HEAD")) return { why: "the repository has no commit yet" };
  const main = MAIN_BRANCHES.find((branch) => commitOf(repo, branch));
  if (!main) return { why: `there is no branch ${MAIN_BRANCHES.join(" nor ")} to take the merge base with` };
  const mergeBase = git(repo, ["merge-base", "HEAD", main]);
  if (!mergeBase.ok) return { why: `HEAD and ${main} have no merge base` };
  return {
    sha: mergeBase.out,
    label: `the merge base of HEAD and ${main}`,
    description: `the merge base of HEAD and ${main}: ${short(repo, mergeBase.out)}`,
  };
}

/** A detached worktree of the base in a temporary directory; remove() takes both away (idempotent). */
export interface BaseCheckout {
  dir: string;
  remove(): void;
}

/**
 * Checks the base out with the project's node_modules (linked: an install would take minutes) and its generated
 * bindings (copied, then brought up to date by the base's own `prepare`, so a base with another pinned schema
 * gets its own).
 */
export async function checkoutBase(
  repo: string,
  sha: string,
  projectRoot: string,
  progress: (s: string) => void,
): Promise<BaseCheckout> {
  const dir = mkdtempSync(join(tmpdir(), `${temporaryPrefix()}offline-plan-base-`));
  const remove = () => {
    process.off("exit", remove);
    git(repo, ["worktree", "remove", "--force", dir]);
    rmSync(dir, { recursive: true, force: true });
  };
  // Also when something ends the process early (an interrupted plan returns and cleans up itself).
  process.once("exit", remove);
  try {
    const added = git(repo, ["worktree", "add", "--detach", dir, sha]);
    if (!added.ok) throw new InputError(`git worktree add of the base ${sha} failed: ${added.out}`);
    if (!existsSync(join(dir, "node_modules")))
      symlinkSync(resolve(projectRoot, "node_modules"), join(dir, "node_modules"), "dir");
    const bindings = resolve(projectRoot, ".gen");
    if (existsSync(bindings)) cpSync(bindings, join(dir, ".gen"), { recursive: true });
    const prepared = await run("npm", ["run", "--silent", "--if-present", "prepare"], { cwd: dir });
    if (prepared.code !== 0)
      throw new InputError(`the base's \`npm run prepare\` (its provider bindings) failed:\n${prepared.output.trim()}`);
    progress(`base checked out in ${dir} (node_modules linked from ${projectRoot})`);
    return { dir, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/**
 * How the base runs its main.ts: as its cdktf.json's app does, through its own bin/run.js, on the build its
 * `prepare` just compiled (no second compile, no transform cache written to the system temp dir); a base from
 * before bin/run.js (1c2bbd7) ran its sources under tsx, and still does.
 */
export function baseLauncher(dir: string): string[] {
  return existsSync(join(dir, "bin", "run.js"))
    ? [join("bin", "run.js")]
    : [join("node_modules", "tsx", "dist", "cli.mjs")];
}

/** Environment variables that point synth at this checkout's files: the base reads its own. */
const WORKING_TREE_ONLY = ["CDC_ROUTING_FILTERS", "CDC_ROUTING_LOCK"];

/**
 * Synthesizes the stage with the base's own main.ts for the double (LOCAL_CONFLUENT_ENV, as `npm run local:deploy`
 * does) into outdir; the result goes through this checkout's rewrite too, which is idempotent and covers a base
 * older than that synth mode. Returns the stack file.
 */
export async function synthesizeBase(
  checkout: BaseCheckout,
  stage: StageName,
  outdir: string,
  endpoint: string,
): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !WORKING_TREE_ONLY.includes(k)));
  const r = await run(process.execPath, [...baseLauncher(checkout.dir), "main.ts", stage], {
    cwd: checkout.dir,
    env: { ...env, [LOCAL_CONFLUENT_ENV]: endpoint, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
  });
  const stackFile = join(outdir, "stacks", stage, "cdk.tf.json");
  if (r.code !== 0 || !existsSync(stackFile))
    throw new InputError(
      `the base did not synthesize stage ${stage} with its own code (exit ${r.code}):\n${r.output.trim()}\nplan from empty with --from-empty, or name another base with --base`,
    );
  rewriteStackForDouble(stackFile, endpoint);
  return stackFile;
}

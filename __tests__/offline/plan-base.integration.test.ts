/**
 * The offline plan's base (offline/plan-base.ts): which commit a plan starts from, in real git repositories.
 * Integration tests: they run git.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, UsageError } from "../../lib/errors";
import { baseChoice } from "../../offline/offline-plan";
import { baseLauncher, resolveBase } from "../../offline/plan-base";
import { temporaryDirectory } from "../support/helpers";

const IDENTITY = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.invalid",
};

function git(repo: string, ...args: string[]): string {
  const r = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8", env: { ...process.env, ...IDENTITY } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

function commit(repo: string, file: string): string {
  writeFileSync(join(repo, file), file);
  git(repo, "add", file);
  git(repo, "commit", "-q", "-m", `add ${file}`);
  return git(repo, "rev-parse", "HEAD");
}

function repository(branch: string): string {
  const repo = temporaryDirectory("plan-base-repo");
  git(repo, "init", "-q", "-b", branch);
  return repo;
}

describe("the offline plan's base", () => {
  test("by default the merge base of HEAD and main, not main's tip", () => {
    const repo = repository("main");
    const forkPoint = commit(repo, "a");
    git(repo, "checkout", "-q", "-b", "change");
    commit(repo, "b");
    git(repo, "checkout", "-q", "main");
    commit(repo, "c");
    git(repo, "checkout", "-q", "change");
    expect(resolveBase({ kind: "default" }, repo)).toEqual({
      sha: forkPoint,
      label: "the merge base of HEAD and main",
      description: `the merge base of HEAD and main: ${forkPoint.slice(0, 7)} add a`,
    });
  });

  test("origin/main when there is no local main (a CI checkout)", () => {
    const upstream = repository("main");
    const tip = commit(upstream, "a");
    const clone = temporaryDirectory("plan-base-clone");
    git(clone, "clone", "-q", upstream, ".");
    git(clone, "checkout", "-q", "-b", "change");
    git(clone, "branch", "-q", "-D", "main");
    expect(resolveBase({ kind: "default" }, clone)).toMatchObject({
      sha: tip,
      label: "the merge base of HEAD and origin/main",
    });
  });

  test("a ref named with --base, resolved to its commit; a ref that names none is refused", () => {
    const repo = repository("main");
    const first = commit(repo, "a");
    commit(repo, "b");
    git(repo, "tag", "deployed", first);
    expect(resolveBase({ kind: "ref", ref: "deployed" }, repo)).toMatchObject({ sha: first, label: "deployed" });
    expect(() => resolveBase({ kind: "ref", ref: "nope" }, repo)).toThrow(
      new InputError(
        "--base 'nope' names no commit here (git rev-parse); name a branch, tag or commit, or plan from empty with --from-empty",
      ),
    );
  });

  test("no base, with the reason: no main, no merge base, no commit, no repository, --from-empty", () => {
    const trunk = repository("trunk");
    commit(trunk, "a");
    expect(resolveBase({ kind: "default" }, trunk)).toEqual({
      why: "there is no branch main nor origin/main to take the merge base with",
    });

    const unrelated = repository("main");
    commit(unrelated, "a");
    git(unrelated, "checkout", "-q", "--orphan", "other");
    commit(unrelated, "b");
    expect(resolveBase({ kind: "default" }, unrelated)).toEqual({ why: "HEAD and main have no merge base" });

    expect(resolveBase({ kind: "default" }, repository("main"))).toEqual({ why: "the repository has no commit yet" });

    const plain = temporaryDirectory("plan-base-plain");
    expect(resolveBase({ kind: "default" }, plain)).toEqual({ why: `${plain} is not in a git repository` });

    expect(resolveBase({ kind: "empty" }, trunk)).toEqual({ why: "--from-empty" });
  });

  test("--base and --from-empty: one or the other", () => {
    expect(baseChoice(undefined, false)).toEqual({ kind: "default" });
    expect(baseChoice("v1", false)).toEqual({ kind: "ref", ref: "v1" });
    expect(baseChoice(undefined, true)).toEqual({ kind: "empty" });
    expect(() => baseChoice("v1", true)).toThrow(UsageError);
  });

  test("the base synthesizes through its own bin/run.js (its compiled build), and under tsx only from before bin/run.js", () => {
    const base = temporaryDirectory("plan-base-launcher");
    expect(baseLauncher(base)).toEqual([join("node_modules", "tsx", "dist", "cli.mjs")]);
    mkdirSync(join(base, "bin"));
    writeFileSync(join(base, "bin", "run.js"), "");
    expect(baseLauncher(base)).toEqual([join("bin", "run.js")]);
  });
});

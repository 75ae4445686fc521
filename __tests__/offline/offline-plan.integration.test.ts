/**
 * `cdc-routing plan`: a stage planned with local state and no cloud credentials against the local Confluent API
 * double, with the real terraform CLI and confluent provider. Integration tests: they start real processes.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type Run, run as runProgram } from "../../lib/run";
import { temporaryPrefix } from "../../local/processes";
import { CARRY_OVER_PROPERTY } from "../../lock/evolution";
import { offlinePlan, requiredProviderSources } from "../../offline/offline-plan";
import { terraform } from "../../providers/mirror";
import { destructiveChanges } from "../../review/guard";
import { parsePlan } from "../../review/plan";
import { temporaryDirectory } from "../support/helpers";
import { describeWithRealProviders } from "../support/real-providers";

const PROJECT = resolve(__dirname, "..", "..");
const IDENTITY = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.invalid",
};

/**
 * This checkout's files as they are now (committed or not) in a new repository on `branch`, with one commit
 * "project at HEAD": a user's clone, whose code is the code under test.
 */
function projectRepository(branch: string): string {
  const repo = temporaryDirectory("plan-project");
  const files = spawnSync("git", ["-C", PROJECT, "ls-files", "-z", "-co", "--exclude-standard"], { encoding: "utf8" })
    .stdout.split("\0")
    .filter((f) => f && f !== "node_modules" && existsSync(join(PROJECT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(PROJECT, file), join(repo, file));
  }
  git(repo, "init", "-q", "-b", branch);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "project at HEAD");
  // After the commit: a linked node_modules is not ignored by `node_modules/` and would be committed.
  symlinkSync(join(PROJECT, "node_modules"), join(repo, "node_modules"), "dir");
  cpSync(join(PROJECT, ".gen"), join(repo, ".gen"), { recursive: true });
  return repo;
}

function git(repo: string, ...args: string[]): void {
  const r = spawnSync("git", ["-C", repo, ...args], { env: { ...process.env, ...IDENTITY }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
}

function lockOf(repo: string) {
  return JSON.parse(readFileSync(join(repo, "lock", "statements.lock.json"), "utf8")).dev;
}

const byName = (a: { name?: string }, b: { name?: string }) => String(a.name).localeCompare(String(b.name));

/** One filter's value changed and its version bumped from 1 to 2 in filters.yaml, then `cdc-routing lock`. */
async function routineChange(repo: string, filter: string, from: string, to: string): Promise<void> {
  const file = join(repo, "filters", "filters.yaml");
  const [head, ...entries] = readFileSync(file, "utf8").split("\n  - name: ");
  const changed = entries.map((entry) =>
    entry.startsWith(`${filter}\n`)
      ? entry.replace("\n    version: 1\n", "\n    version: 2\n").replace(`value: ${from} }`, `value: ${to} }`)
      : entry,
  );
  expect(changed.filter((entry, i) => entry !== entries[i])).toHaveLength(1);
  writeFileSync(file, [head, ...changed].join("\n  - name: "));
  await cli(repo, "lock", "--stage", "dev");
}

/**
 * `cdc-routing <args>` run in repo by its own code, as a user runs it there (`npx cdc-routing`: the package's bin,
 * which compiles the clone's sources on its first call); fails with its output unless exit 0.
 */
async function cli(repo: string, ...args: string[]): Promise<Run> {
  const r = await runProgram(process.execPath, [join("bin", "cdc-routing.js"), ...args], {
    cwd: repo,
    env: process.env,
  });
  if (r.code !== 0) throw new Error(`cdc-routing ${args.join(" ")} exited ${r.code}:\n${r.output}`);
  return r;
}

describe("cdc-routing plan: local state, no cloud credentials", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test("with an endpoint given and an empty provider mirror it stops naming the missing provider; the stack points at the endpoint, with local state and no aws or database resources", async () => {
    const out = temporaryDirectory("offline-plan");
    process.env.CDC_ROUTING_CACHE = temporaryDirectory("empty-cache"); // an empty provider mirror
    let stderr = "";
    await expect(
      offlinePlan(
        "dev",
        out,
        { CDC_ROUTING_CONFLUENT_ENDPOINT: "http://127.0.0.1:8090/" },
        (s) => (stderr += s),
        () => undefined,
      ),
    ).rejects.toThrow(/^providers missing from the filesystem mirror .*: confluentinc\/confluent; /);
    expect(stderr).toContain("plan: Confluent Cloud API: http://127.0.0.1:8090\n");
    const stack = JSON.parse(readFileSync(join(out, "stacks", "dev", "cdk.tf.json"), "utf8"));
    expect(stack.provider.confluent[0].endpoint).toBe("http://127.0.0.1:8090");
    expect(stack.terraform.backend).toBeUndefined();
    expect(Object.keys(stack.resource).filter((t) => /^(aws|postgresql)_/.test(t))).toEqual([]);
    expect(readdirSync(join(out, "stacks"))).toEqual(["dev"]);
  });

  test("an endpoint that is not an http(s) URL is refused, naming the variable", async () => {
    await expect(
      offlinePlan(
        "dev",
        temporaryDirectory("offline-plan"),
        { CDC_ROUTING_CONFLUENT_ENDPOINT: "127.0.0.1:8090" },
        () => undefined,
        () => undefined,
      ),
    ).rejects.toThrow(
      "CDC_ROUTING_CONFLUENT_ENDPOINT='127.0.0.1:8090' must be an http(s) URL such as http://127.0.0.1:8090",
    );
  });

  describeWithRealProviders(
    "the offline plan end to end (local Confluent API double, real terraform and confluent provider)",
    () => {
      test("a routine filter change (value changed, version bumped, statements locked) plans against the merge base with main, which keeps an earlier change's stopped statement: one statement created with carry-over, one stopped, the earlier one cleaned up; nothing else changes, nothing is left behind", async () => {
        const repo = projectRepository("main");
        // main after an earlier routine change: its lock keeps the statement that change stopped (retention).
        await routineChange(repo, "car-created", "CarCreated", "CarRegistered");
        git(repo, "commit", "-q", "-a", "-m", "earlier change");
        const kept = lockOf(repo).stopped;
        expect(kept).toHaveLength(1);

        await routineChange(repo, "service-events", "CarServiceDone", "CarServiced");
        const lock = lockOf(repo);
        const [created] = lock.running;
        const stopped = lock.stopped.find((s: { name: string }) => s.name !== kept[0].name);
        expect(created.carriedOverFrom).toBe(stopped.name);

        const out = join(repo, ".offline-plan");
        const planned = await cli(repo, "plan", "--stage", "dev", "--out", out);
        expect(planned.output).toMatch(
          /^plan: base: the merge base of HEAD and main: [0-9a-f]{7} earlier change \(applied to the double first;/m,
        );
        expect(planned.output).toContain(
          "plan: base: the base keeps 1 stopped statement(s): applying the rest first, then seeding them stopped into the double and adopting them by import\n",
        );
        expect(planned.output).toMatch(/^plan: base: applied \d+ resources to the double in [\d.]+ s$/m);
        // The earlier change's stopped statement is no longer kept (the lock keeps the latest predecessor): its
        // clean-up, which the guard accepts.
        expect(planned.output).toContain("Plan: 1 to add, 1 to change, 1 to destroy.");
        expect(planned.output).not.toContain("error importing");

        const stackDir = join(out, "stacks", "dev");
        const plan = parsePlan(terraform(stackDir, ["show", "-json", "tfplan"]), "tfplan");
        const changes = (plan.resource_changes ?? []).filter((rc) =>
          rc.change.actions.some((a) => a !== "no-op" && a !== "read"),
        );
        const statement = (value: unknown) =>
          (value ?? {}) as { statement_name?: string; stopped?: boolean; properties?: Record<string, string> };
        expect(
          changes
            .map((rc) => ({
              type: rc.type,
              actions: rc.change.actions,
              name: statement(rc.change.after ?? rc.change.before).statement_name,
              stopped: [statement(rc.change.before).stopped, statement(rc.change.after).stopped],
              carryOver: statement(rc.change.after).properties?.[CARRY_OVER_PROPERTY],
            }))
            .sort(byName),
        ).toEqual(
          [
            {
              type: "confluent_flink_statement",
              actions: ["create"],
              name: created.name,
              stopped: [undefined, false],
              carryOver: stopped.name,
            },
            {
              type: "confluent_flink_statement",
              actions: ["delete"],
              name: kept[0].name,
              stopped: [true, undefined],
              carryOver: undefined,
            },
            {
              type: "confluent_flink_statement",
              actions: ["update"],
              name: stopped.name,
              stopped: [false, true],
              carryOver: kept[0].name, // unchanged: it started from the earlier change's statement
            },
          ].sort(byName),
        );
        expect(destructiveChanges(plan)).toEqual([]);
        // The base's worktree and temp dir are gone; the double and terraform with it.
        expect(
          spawnSync("git", ["-C", repo, "worktree", "list"], { encoding: "utf8" }).stdout.trim().split("\n"),
        ).toHaveLength(1);
        expect(readdirSync(tmpdir()).filter((e) => e.startsWith(`${temporaryPrefix()}offline-plan-base-`))).toEqual([]);
      }, 240_000);

      test("with no base (no branch main) a protected stage plans from empty, and says so", async () => {
        const repo = projectRepository("trunk");
        const out = join(repo, ".offline-plan");
        const planned = await cli(repo, "plan", "--stage", "prod", "--out", out);
        expect(planned.output).toContain(
          "plan: no base (there is no branch main nor origin/main to take the merge base with): planning from empty, so every resource plans as a creation\n",
        );
        expect(planned.output).toContain("(the local double, started for this plan and stopped after it)");
        expect(planned.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
        expect(existsSync(join(out, "stacks", "prod", "tfplan"))).toBe(true);
      }, 180_000);
    },
  );

  test("required providers as mirror paths", () => {
    expect(
      requiredProviderSources({
        terraform: {
          required_providers: {
            aws: { source: "aws" },
            confluent: { source: "registry.terraform.io/confluentinc/confluent" },
            postgresql: { source: "cyrilgdn/postgresql" },
          },
        },
      }),
    ).toEqual(["confluentinc/confluent", "cyrilgdn/postgresql", "hashicorp/aws"]);
  });
});

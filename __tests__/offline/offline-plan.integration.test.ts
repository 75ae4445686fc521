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
import { temporaryDirectory } from "../support/helpers";
import { describeWithRealProviders } from "../support/real-providers";

const PROJECT = resolve(__dirname, "..", "..");
const IDENTITY = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.invalid",
};

interface ResourceChange {
  type: string;
  change: { actions: string[]; before?: Record<string, any>; after: Record<string, any> };
}

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
  const git = (...args: string[]) =>
    spawnSync("git", ["-C", repo, ...args], { env: { ...process.env, ...IDENTITY }, stdio: "ignore" });
  git("init", "-q", "-b", branch);
  git("add", "-A");
  git("commit", "-q", "-m", "project at HEAD");
  // After the commit: a linked node_modules is not ignored by `node_modules/` and would be committed.
  symlinkSync(join(PROJECT, "node_modules"), join(repo, "node_modules"), "dir");
  cpSync(join(PROJECT, ".gen"), join(repo, ".gen"), { recursive: true });
  return repo;
}

/** `cdc-routing <args>` run in repo by its own code, as a user runs it there; fails with its output unless exit 0. */
async function cli(repo: string, ...args: string[]): Promise<Run> {
  const r = await runProgram(
    process.execPath,
    [join("node_modules", "tsx", "dist", "cli.mjs"), "cli/cdc-routing.ts", ...args],
    {
      cwd: repo,
      env: process.env,
    },
  );
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
      test("a routine filter change (value changed, version bumped, statements locked) plans against the merge base with main as one statement created with carry-over and one stopped; nothing else changes and nothing is left behind", async () => {
        const repo = projectRepository("main");
        const filtersFile = join(repo, "filters", "filters.yaml");
        const before = readFileSync(filtersFile, "utf8");
        const changed = before
          .replace(/(outputTopic: filtered-car-created-events\n\s+version: )1\n/, "$12\n")
          .replace("value: CarCreated }", "value: CarRegistered }");
        expect(changed.split("\n").filter((line, i) => line !== before.split("\n")[i])).toHaveLength(2);
        writeFileSync(filtersFile, changed);
        await cli(repo, "lock", "--stage", "dev");
        const lock = JSON.parse(readFileSync(join(repo, "lock", "statements.lock.json"), "utf8")).dev;
        const [created] = lock.running;
        const [stopped] = lock.stopped;
        expect(created.carriedOverFrom).toBe(stopped.name);

        const out = join(repo, ".offline-plan");
        const planned = await cli(repo, "plan", "--stage", "dev", "--out", out);
        expect(planned.output).toMatch(
          /^plan: base: the merge base of HEAD and main: [0-9a-f]{7} project at HEAD \(applied to the double first;/m,
        );
        expect(planned.output).toMatch(/^plan: base: applied \d+ resources to the double in [\d.]+ s$/m);
        expect(planned.output).toContain("Plan: 1 to add, 1 to change, 0 to destroy.");
        expect(planned.output).not.toContain("error importing");

        const stackDir = join(out, "stacks", "dev");
        const plan = JSON.parse(terraform(stackDir, ["show", "-json", "tfplan"]));
        const changes = plan.resource_changes.filter((rc: ResourceChange) =>
          rc.change.actions.some((a) => a !== "no-op" && a !== "read"),
        );
        expect(
          changes.map((rc: ResourceChange) => ({
            type: rc.type,
            actions: rc.change.actions,
            name: rc.change.after.statement_name,
            stopped: [rc.change.before?.stopped, rc.change.after.stopped],
            carryOver: rc.change.after.properties?.[CARRY_OVER_PROPERTY],
          })),
        ).toEqual(
          expect.arrayContaining([
            {
              type: "confluent_flink_statement",
              actions: ["create"],
              name: created.name,
              stopped: [undefined, false],
              carryOver: stopped.name,
            },
            {
              type: "confluent_flink_statement",
              actions: ["update"],
              name: stopped.name,
              stopped: [false, true],
              carryOver: undefined,
            },
          ]),
        );
        expect(changes).toHaveLength(2);
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

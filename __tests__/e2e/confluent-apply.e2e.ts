/**
 * The synthesized stacks applied with the real terraform CLI and the real confluent provider (from the local
 * provider mirror) against the local Confluent Cloud API double (local/confluent-api). aws_* and postgresql_*
 * resources are left out (offline/stack-for-double.ts says why); everything else is the JSON
 * `node bin/run.js main.ts <stage>` writes. Terraform runs with TF_ACC=1: the provider polls every second instead of
 * minutes (see stack-on-double.ts). Without the mirror this suite fails in CI and is skipped loudly elsewhere.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TemporaryDirs } from "../../local/processes";
import { CARRY_OVER_PROPERTY } from "../../lock/evolution";
import { readLock } from "../../lock/lock-file";
import type { PlanJson } from "../../review/plan";
import { parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import {
  callTable,
  editedInputs,
  expectEmptyPlan,
  loanCreatedV2CreatesOnly,
  lockStatements,
  pendingChanges,
  realProvidersOrNotRun,
  reviewGuard,
  run,
  runEntryPoint,
  StackOnDouble,
  synthesize,
} from "./stack-on-double";
import { synthesizeConfig } from "./synthesize-config";

/** The statements the committed lock runs now: what a change replaces. */
const DEV_RUNNING = readLock().dev!.running[0].name;
const PROD_RUNNING = readLock().prod!.running[0].name;

const why = realProvidersOrNotRun("confluent apply suite", "terraform apply against the local Confluent API double");

const temporary = new TemporaryDirs();
afterAll(() => temporary.removeAll());

/** The plan right after an apply must be empty; otherwise the failure names each resource and attribute. */
async function expectNoChanges(stack: StackOnDouble): Promise<void> {
  await expectEmptyPlan(stack, "check.tfplan");
  expect(stack.double.unknownCalls).toEqual([]);
}

/** Terraform wraps its messages at 78 columns when not on a terminal. */
const oneLine = (text: string) => text.replace(/\s+/g, " ");

function changesOf(plan: PlanJson, type: string) {
  return (plan.resource_changes ?? []).filter(
    (rc) => rc.type === type && !rc.change.actions.every((a) => a === "no-op" || a === "read"),
  );
}

(why ? describe.skip : describe)("dev applied against the local Confluent API double", () => {
  let stack: StackOnDouble;
  let synth: Record<string, any>;
  let applyMs = 0;

  beforeAll(async () => {
    stack = await StackOnDouble.start(temporary, "dev");
    synth = await synthesize("dev", temporary.create("synth-dev"));
    stack.useConfig(synth);
  }, 120_000);
  afterAll(() => stack?.close());

  test("apply succeeds and the plan right after is empty; API calls per resource type are printed", async () => {
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
    applyMs = applied.ms;
    const applyCalls = stack.takeCalls();
    await expectNoChanges(stack);
    const planCalls = stack.takeCalls();
    console.log(
      `${callTable(`dev apply (${(applied.ms / 1000).toFixed(1)} s)`, applyCalls)}\n${callTable("dev plan with no changes", planCalls)}`,
    );
    expect(stack.double.unknownCalls).toEqual([]);
  }, 180_000);

  test("bad input: a connector without a required setting fails the apply with the validation errors", async () => {
    stack.useConfig(synth, (config) => {
      const [[, connector]] = Object.entries(config.resource.confluent_connector as Record<string, any>);
      const { "database.hostname": _, ...rest } = connector.config_nonsensitive;
      config.resource.confluent_connector.missing_host = {
        ...connector,
        config_nonsensitive: { ...rest, name: "cdc-routing-dev-missing-host" },
      };
    });
    const r = await stack.apply();
    expect(r.code).toBe(1);
    expect(r.output).toContain('error creating Connector "PostgresCdcSourceV2": error validating config:');
    expect(r.output).toContain(
      '"database.hostname" : ["Missing required configuration \\"database.hostname\\" which has no default value."]',
    );
  }, 120_000);

  test("bad input: a statement on an unknown compute pool fails the apply with the API's detail", async () => {
    stack.useConfig(synth, (config) => {
      const [[, statement]] = Object.entries(config.resource.confluent_flink_statement as Record<string, any>);
      config.resource.confluent_flink_statement.unknown_pool = {
        ...statement,
        statement_name: "dev-unknown-pool",
        compute_pool: { id: "lfcp-unknown" },
      };
    });
    const r = await stack.apply();
    expect(r.code).toBe(1);
    expect(r.output).toContain("error creating Flink Statement");
    expect(r.output).toContain("Compute pool 'lfcp-unknown' does not exist in environment");
    stack.useConfig(synth);
    await expectNoChanges(stack);
  }, 120_000);

  test("a filter change: new statement carries offsets over, predecessor stopped; reviewed, saved plan applied, next plan empty", async () => {
    const dir = temporary.create("filter-change");
    const inputs = loanCreatedV2CreatesOnly(dir);
    const locked = await lockStatements("dev", inputs);
    expect(locked.output).toMatch(new RegExp(`dev: running .*\\(offsets from ${DEV_RUNNING}\\)`));
    const changed = await synthesize("dev", join(dir, "out"), inputs.env);
    stack.useConfig(changed);

    // The deploy workflow's path: plan into a saved plan, show -json, review comment and guard, apply that plan.
    const { run: planned, plan } = await stack.plan("tfplan");
    expect(planned.code).toBe(2);
    const statements = changesOf(plan!, "confluent_flink_statement");
    const created = statements.find((rc) => rc.change.actions.join() === "create")!;
    const stopped = statements.find((rc) => rc.change.actions.join() === "update")!;
    expect(statements).toHaveLength(2);
    expect((created.change.after as any).properties[CARRY_OVER_PROPERTY]).toBe(DEV_RUNNING);
    expect([(stopped.change.before as any).stopped, (stopped.change.after as any).stopped]).toEqual([false, true]);
    expect((stopped.change.before as any).statement_name).toBe(DEV_RUNNING);
    expect(pendingChanges(plan!).filter((c) => !c.startsWith("confluent_flink_statement."))).toEqual([]);

    const plans = join(dir, "plans");
    const shown = await stack.terraform("show", "-json", "tfplan");
    await run("mkdir", ["-p", plans]);
    writeFileSync(join(plans, "dev.plan.json"), shown.stdout);
    const comment = await runEntryPoint("review/cli.ts", [
      "comment",
      "--plans",
      plans,
      "--stages",
      "dev",
      "--filters",
      inputs.filters,
      "--base-filters",
      "filters/filters.yaml",
      "--out",
      join(dir, "review.md"),
    ]);
    expect(comment.code).toBe(0);
    const markdown = readFileSync(join(dir, "review.md"), "utf8");
    expect(markdown).toContain("**dev**: 1 to create, 1 to update, 0 to replace, 0 to delete");
    for (const secret of stack.sensitiveValues()) expect(markdown).not.toContain(secret);
    const guard = await reviewGuard("dev", join(plans, "dev.plan.json"));
    expect(guard).toMatchObject({ code: 0, stdout: "dev: no destructive changes.\n" });

    const applied = await stack.terraform("apply", "-input=false", "tfplan");
    if (applied.code !== 0) throw new Error(`apply of the saved plan failed:\n${applied.output}`);
    await expectNoChanges(stack);
    const phases = Object.fromEntries([...stack.double.store.statements.values()].map((s) => [s.name, s.status.phase]));
    expect(phases).toEqual({ [DEV_RUNNING]: "STOPPED", [(created.change.after as any).statement_name]: "RUNNING" });
  }, 240_000);

  test("destroy removes everything; apply plus destroy of dev takes at most 60 s", async () => {
    const destroyed = await stack.terraform("destroy", "-input=false", "-auto-approve");
    if (destroyed.code !== 0) throw new Error(`destroy failed:\n${destroyed.output}`);
    const { store } = stack.double;
    expect([...store.environments.values()].map((e) => e.display_name)).toEqual(["default"]);
    expect([
      store.kafkaClusters.size,
      store.serviceAccounts.size,
      store.apiKeys.size,
      store.roleBindings.size,
      store.topics.size,
      store.statements.size,
      store.connectors.size,
    ]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    console.log(
      `dev against the double: apply ${(applyMs / 1000).toFixed(1)} s + destroy ${(destroyed.ms / 1000).toFixed(1)} s = ${((applyMs + destroyed.ms) / 1000).toFixed(1)} s (limit 60 s)`,
    );
    expect(applyMs + destroyed.ms).toBeLessThanOrEqual(60_000);
  }, 120_000);
});

/**
 * dev's configuration as the stack wrote it before grants were named by what they cover: the same resources, each
 * moved role binding under its old index-named address (the `from` of its moved block), no moved blocks.
 */
function withIndexNamedGrants(synth: Record<string, any>): Record<string, any> {
  const moves = (synth.moved ?? []) as Array<{ from: string; to: string }>;
  let text = JSON.stringify({ ...synth, moved: undefined });
  for (const { from, to } of moves)
    text = text
      .split(`"${to}"`)
      .join(`"${from}"`)
      .split(`"${to.split(".")[1]}"`)
      .join(`"${from.split(".")[1]}"`);
  return JSON.parse(text);
}

(why ? describe.skip : describe)("dev deployed with index-named grants, then planned with the new grant ids", () => {
  test("the plan moves every role binding in state and creates, changes or deletes nothing; the grants on the API stay the same objects", async () => {
    const stack = await StackOnDouble.start(temporary, "dev-moved");
    try {
      // A stage applied before the renaming declares so (stages/deployed-before.ts): only then are moved blocks emitted.
      const dev = stageConfig("dev", {});
      const synth = synthesizeConfig(
        parseStageConfig({ ...dev, deployedBefore: { grantRenaming: true } }),
        temporary.create("synth-dev-moved"),
      );
      expect(synth.moved.length).toBeGreaterThan(20);
      stack.useConfig(withIndexNamedGrants(synth));
      const applied = await stack.apply();
      if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
      const bindings = [...stack.double.store.roleBindings.keys()].sort();
      stack.useConfig(synth);
      const { run: r, plan } = await stack.plan("moved.tfplan");
      if (r.code === 1) throw new Error(`plan failed:\n${r.output}`);
      expect(pendingChanges(plan!)).toEqual([]);
      const moved = (plan!.resource_changes ?? []).filter(
        (rc) => (rc as { previous_address?: string }).previous_address,
      );
      expect(moved.map((rc) => rc.address).sort()).toEqual(synth.moved.map((m: { to: string }) => m.to).sort());
      const again = await stack.apply();
      if (again.code !== 0) throw new Error(`apply of the moves failed:\n${again.output}`);
      expect([...stack.double.store.roleBindings.keys()].sort()).toEqual(bindings);
      await expectNoChanges(stack);
    } finally {
      await stack.close();
    }
  }, 240_000);
});

(why ? describe.skip : describe)("staging applied against the local Confluent API double", () => {
  test("apply succeeds and the plan right after is empty", async () => {
    const stack = await StackOnDouble.start(temporary, "staging");
    try {
      stack.useConfig(await synthesize("staging", temporary.create("synth-staging")));
      const applied = await stack.apply();
      if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
      await expectNoChanges(stack);
      expect(stack.double.unknownCalls).toEqual([]);
    } finally {
      await stack.close();
    }
  }, 180_000);
});

(why ? describe.skip : describe)("prod applied against the local Confluent API double", () => {
  let stack: StackOnDouble;

  beforeAll(async () => {
    stack = await StackOnDouble.start(temporary, "prod");
    stack.useConfig(await synthesize("prod", temporary.create("synth-prod")));
  }, 120_000);
  afterAll(() => stack?.close());

  test("apply succeeds and the plan right after is empty", async () => {
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
    await expectNoChanges(stack);
  }, 180_000);

  test("destroy is refused by prevent_destroy with Terraform's own error", async () => {
    const r = await stack.terraform("destroy", "-input=false", "-auto-approve");
    expect(r.code).toBe(1);
    expect(r.output).toContain("Error: Instance cannot be destroyed");
    // Terraform stops at the first protected instances in destroy order: the topics, before their cluster.
    expect(oneLine(r.output)).toMatch(
      /Resource confluent_kafka_topic\.topics_raw_\S+ has lifecycle\.prevent_destroy set/,
    );
    expect(stack.double.store.kafkaClusters.size).toBe(1);
  }, 120_000);

  test("a removed filter: statement stopped, topic kept, also after the clean-up, which deletes only the stopped statement", async () => {
    const dir = temporary.create("prod-removal");
    const inputs = editedInputs(dir, (doc) => {
      doc.filters = doc.filters.filter((f) => f.name !== "car-created");
    });
    expect((await lockStatements("prod", inputs)).code).toBe(0);
    stack.useConfig(await synthesize("prod", join(dir, "out"), inputs.env));
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
    expect([...stack.double.store.topics.values()].map((t) => t.name)).toContain("filtered-car-created-events");
    await expectNoChanges(stack);

    // The clean-up drops the stopped statement; the lock keeps the removed filter's topic as retired, so its block
    // and prevent_destroy stay: the plan deletes the stopped statement only, and the guard lets that pass.
    expect((await lockStatements("prod", inputs, "--cleanup")).code).toBe(0);
    stack.useConfig(await synthesize("prod", join(dir, "out-cleanup"), inputs.env));
    const { run: cleanup, plan } = await stack.plan("cleanup.tfplan");
    expect(cleanup.code).toBe(2);
    expect(pendingChanges(plan!).map((c) => c.split(" (")[0].replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      `confluent_flink_statement.routing_${PROD_RUNNING}`,
    ]);
    const planFile = join(dir, "prod.plan.json");
    writeFileSync(planFile, (await stack.terraform("show", "-json", "cleanup.tfplan")).stdout);
    const guard = await reviewGuard("prod", planFile);
    expect({ code: guard.code, stdout: guard.stdout }).toEqual({
      code: 0,
      stdout: expect.stringContaining("prod: no destructive changes."),
    });
  }, 240_000);

  test("a partition decrease is refused by synth naming the topic, and, past synth, by prevent_destroy at plan", async () => {
    const dir = temporary.create("prod-partitions");
    const inputs = editedInputs(dir, () => undefined);
    const lock = JSON.parse(readFileSync(inputs.env.CDC_ROUTING_LOCK!, "utf8"));
    lock.prod.partitions["raw-business-events"] = 12; // as if prod had been deployed with 12 partitions
    writeFileSync(inputs.env.CDC_ROUTING_LOCK!, JSON.stringify(lock));
    await expect(synthesize("prod", join(dir, "out"), inputs.env)).rejects.toThrow(
      "prod: topic raw-business-events would go from 12 to 6 partitions; Kafka cannot remove partitions",
    );

    // The provider plans a decrease as delete + create of the topic (resource_kafka_topic.go ForceNewIfChange).
    stack.useConfig(await synthesize("prod", join(dir, "out-edited")), (config) => {
      const raw = Object.values(config.resource.confluent_kafka_topic as Record<string, any>).find(
        (t) => t.topic_name === "raw-business-events",
      )!;
      raw.partitions_count = 3;
    });
    const { run: planned } = await stack.plan("decrease.tfplan");
    expect(planned.code).toBe(1);
    expect(oneLine(planned.output)).toMatch(
      /Resource confluent_kafka_topic\.topics_raw_\S+ has lifecycle\.prevent_destroy set/,
    );
  }, 120_000);
});

/**
 * The review tools (review/) on real confluent plans: `terraform show -json` of plans the real confluent
 * provider made against the local Confluent API double for the synthesized dev stack (aws_* and postgresql_*
 * left out, see offline/stack-for-double.ts). Canaries are planted in the stack's sensitive
 * variables, so they reach the plan as variables, as a sensitive attribute (the connector's database password)
 * and as a sensitive output. Generated here, never committed: a saved plan holds secrets.
 */
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadFilters } from "../../filters/load";
import { TemporaryDirs } from "../../local/processes";
import { readLock } from "../../lock/lock-file";
import { applyTimeFailures, changedAttributes } from "../../review/apply-time-rules";
import { COMMENT_MARKER, renderReview } from "../../review/comment";
import { destructiveChanges } from "../../review/guard";
import { actionOf, type PlanJson } from "../../review/plan";
import { REDACTED_CHANGED, redactPlan, sensitiveValues } from "../../review/redact";
import { renderSummary, summarizePlan } from "../../review/summarize";
import {
  editedInputs,
  lockStatements,
  realProvidersOrNotRun,
  reviewGuard,
  StackOnDouble,
  synthesize,
  useStackOnDouble,
} from "./stack-on-double";

/** The statements the committed lock runs now: what a change replaces. */
const DEV_RUNNING = readLock().dev!.running[0].name;

const why = realProvidersOrNotRun("review suite on real confluent plans", "review tools on real confluent plans");

const CANARY = "canary-Plan-Secret-5d2e";
const temporary = new TemporaryDirs();
const head = loadFilters("filters/filters.yaml");

/** The plan of the current configuration; fails the test if terraform could not plan. */
async function planOf(stack: StackOnDouble, file: string): Promise<PlanJson> {
  const { run, plan } = await stack.plan(file);
  if (!plan) throw new Error(`plan failed:\n${run.output}`);
  return plan;
}

(why ? describe.skip : describe)("review tools on real confluent plans", () => {
  let stack: StackOnDouble;
  let synth: Record<string, any>;
  let createPlan: PlanJson;
  let destructivePlan: PlanJson;
  let carryOverPlan: PlanJson;
  let cleanupPlan: PlanJson;
  let latePlan: PlanJson;

  /** A sensitive output carrying a canary too: the stack has none of its own. */
  const withSensitiveOutput = (config: Record<string, any>) => {
    config.output = {
      ...config.output,
      canary_output: { value: "${var.confluent_cloud_api_secret}", sensitive: true },
    };
  };

  const canaries = { confluent_cloud_api_secret: CANARY, source_db_replication_password: `${CANARY}-db` };
  useStackOnDouble(temporary, async () => (stack = await StackOnDouble.start(temporary, "review", canaries)));

  beforeAll(async () => {
    synth = await synthesize("dev", temporary.create("synth-review"));
    stack.useConfig(synth, withSensitiveOutput);
    createPlan = await planOf(stack, "create.tfplan");
    const applied = await stack.terraform("apply", "-input=false", "create.tfplan");
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);

    // Destructive: the statement's SQL edited in place (Terraform replaces it, no carry-over) and a topic dropped.
    stack.useConfig(synth, (config) => {
      withSensitiveOutput(config);
      const statements = config.resource.confluent_flink_statement as Record<string, any>;
      for (const s of Object.values(statements)) s.statement = s.statement.replace("'LoanCreated'", "'LoanCreatedV2'");
      const topics = config.resource.confluent_kafka_topic as Record<string, any>;
      const [name] = Object.entries(topics).find(([, t]) => t.topic_name === "filtered-car-created-events")!;
      delete topics[name];
      for (const s of Object.values(statements))
        s.depends_on = s.depends_on.filter((d: string) => d !== `confluent_kafka_topic.${name}`);
    });
    destructivePlan = await planOf(stack, "destructive.tfplan");

    // Safe: a version bump through the statement lock, so the new statement carries the old one's offsets over.
    const dir = temporary.create("review-change");
    const inputs = editedInputs(dir, (doc) => {
      doc.filters.find((f) => f.name === "loan-created")!.version = 2;
    });
    // Locked on a fixed day, so that a synth 29 days later finds the predecessor's retention run out.
    const lockedOn = { ...inputs, env: { ...inputs.env, CDC_ROUTING_NOW: "2030-01-01" } };
    if ((await lockStatements("dev", lockedOn)).code !== 0) throw new Error("statements:lock failed");
    const carryOverSynth = await synthesize("dev", join(dir, "out"), lockedOn.env);
    // The same change applied only after the predecessor's retention ran out: synth leaves the still running
    // predecessor out, so the plan deletes it while the new statement carries its offsets over.
    stack.useConfig(
      await synthesize("dev", join(dir, "out-late"), { ...inputs.env, CDC_ROUTING_NOW: "2030-01-30" }),
      withSensitiveOutput,
    );
    latePlan = await planOf(stack, "late.tfplan");
    stack.useConfig(carryOverSynth, withSensitiveOutput);
    carryOverPlan = await planOf(stack, "carry-over.tfplan");
    const carried = await stack.terraform("apply", "-input=false", "carry-over.tfplan");
    if (carried.code !== 0) throw new Error(`apply failed:\n${carried.output}`);

    // The next change's clean-up deletes the stopped predecessor.
    if ((await lockStatements("dev", inputs, "--cleanup")).code !== 0)
      throw new Error("statements:lock --cleanup failed");
    stack.useConfig(await synthesize("dev", join(dir, "out-cleanup"), inputs.env), withSensitiveOutput);
    cleanupPlan = await planOf(stack, "cleanup.tfplan");
  }, 300_000);

  test("summary: counts by action and changes grouped by kind", () => {
    const created = summarizePlan(createPlan);
    // Only the confluent resources (and the connector's name trigger) are planned: aws and postgresql were left out.
    const confluentResources = Object.entries(synth.resource)
      .filter(([t]) => t.startsWith("confluent_") || t === "terraform_data")
      .reduce((n, [, b]) => n + Object.keys(b as object).length, 0);
    expect(created.counts).toEqual({ create: confluentResources, update: 0, replace: 0, delete: 0, import: 0 });
    expect([...created.byKind.keys()].sort()).toEqual(["cluster", "connector", "identity", "statements", "topics"]);
    expect(renderSummary("dev", summarizePlan(destructivePlan))).toContain(
      "**dev**: 0 to create, 0 to update, 1 to replace, 1 to delete",
    );
  });

  test("guard: a replaced statement without carry-over and a deleted topic are destructive", () => {
    expect(destructiveChanges(destructivePlan).map((c) => [c.address.replace(/_[0-9A-F]{8}$/, ""), c.action])).toEqual([
      [`confluent_flink_statement.routing_${DEV_RUNNING}`, "replace"],
      ["confluent_kafka_topic.topics_topic-car-created", "delete"],
    ]);
  });

  test("guard: a creation, a carried-over version bump and the deletion of a stopped statement are not", () => {
    expect(summarizePlan(carryOverPlan).counts).toEqual({ create: 1, update: 1, replace: 0, delete: 0, import: 0 });
    expect(summarizePlan(cleanupPlan).counts).toEqual({ create: 0, update: 0, replace: 0, delete: 1, import: 0 });
    expect([
      destructiveChanges(createPlan),
      destructiveChanges(carryOverPlan),
      destructiveChanges(cleanupPlan),
    ]).toEqual([[], [], []]);
    // The predecessor's update only stops it: nothing Confluent refuses at apply (the apply above succeeded).
    expect([createPlan, carryOverPlan, cleanupPlan].map((p) => applyTimeFailures(redactPlan(p)))).toEqual([[], [], []]);
  });

  test("guard: deleting a running statement is destructive even when a new one carries its offsets over", () => {
    const deleted = latePlan.resource_changes!.filter((rc) => rc.change.actions.includes("delete"));
    expect(deleted.map((rc) => [(rc.change.before as any).statement_name, (rc.change.before as any).stopped])).toEqual([
      [DEV_RUNNING, false],
    ]);
    expect(destructiveChanges(latePlan).map((c) => [c.address.replace(/_[0-9A-F]{8}$/, ""), c.action])).toEqual([
      [`confluent_flink_statement.routing_${DEV_RUNNING}`, "delete"],
    ]);
  });

  test("the comment fails the check without opt-in and names the resources; the opt-in passes", () => {
    const blocked = renderReview({ stages: [{ stage: "dev", plan: destructivePlan }], head, optedIn: false });
    expect([...blocked.blocking.keys()]).toEqual(["dev"]);
    expect(blocked.markdown).toContain("need an explicit opt-in (label `allow-destructive`");
    expect(blocked.markdown).toMatch(
      /`confluent_kafka_topic\.topics_topic-car-created_[0-9A-F]{8}` \(confluent_kafka_topic\) would be \*\*deleted\*\*/,
    );
    expect(renderReview({ stages: [{ stage: "dev", plan: destructivePlan }], head, optedIn: true }).blocking.size).toBe(
      0,
    );
  });

  test("sensitive variables, attributes and outputs are collected; none reaches the comment", () => {
    const secrets = sensitiveValues(createPlan);
    expect([CANARY, `${CANARY}-db`].every((c) => secrets.has(c))).toBe(true);
    const connector = createPlan.resource_changes!.find((rc) => rc.type === "confluent_connector")!;
    expect(connector.change.after_sensitive).toMatchObject({ config_sensitive: true });
    expect((connector.change.after as any).config_sensitive["database.password"]).toBe(`${CANARY}-db`);
    expect(createPlan.output_changes!.canary_output).toMatchObject({ after: CANARY, after_sensitive: true });
    // The canary in a resource address too: redaction must hold even where the comment prints text it got from the
    // plan.
    const statement = createPlan.resource_changes!.find((rc) => rc.type === "confluent_flink_statement")!;
    const leaky = {
      ...createPlan,
      resource_changes: [
        ...createPlan.resource_changes!,
        { ...statement, address: `confluent_flink_statement.${CANARY}` },
      ],
    };
    const { markdown } = renderReview({
      stages: [{ stage: "dev", plan: leaky }, { stage: "staging" }],
      head,
      optedIn: false,
    });
    expect(markdown.startsWith(COMMENT_MARKER)).toBe(true);
    expect(markdown).not.toContain(CANARY.slice(0, 12));
    expect(markdown).toContain("confluent_flink_statement.(sensitive)");
    expect(markdown).toContain("**staging**: plan not run");
  });
});

/**
 * Changes the provider plans as in-place updates and refuses at apply (review/apply-time-rules.ts): each is
 * planned against the applied dev stack, refused by the guard on the raw and on the redacted plan JSON, and then
 * applied, to show that Confluent's provider does fail it. Each case starts from the same applied state (a
 * failed update can leave its new values in state).
 */
(why ? describe.skip : describe)("the review guard refuses what plans clean and fails at apply", () => {
  let stack: StackOnDouble;
  let synth: Record<string, any>;
  const applied = () => join(stack.dir, "applied.tfstate");
  const statementOf = (config: Record<string, any>) => Object.values<any>(config.resource.confluent_flink_statement)[0];
  const connectorOf = (config: Record<string, any>) => Object.values<any>(config.resource.confluent_connector)[0];
  const flinkKeyAddress = () =>
    Object.entries<any>(synth.resource.confluent_api_key).find(([, k]) =>
      k.display_name.endsWith("-manager-flink"),
    )![0];
  const kafkaKeyAddress = () =>
    Object.entries<any>(synth.resource.confluent_api_key).find(([, k]) =>
      k.display_name.endsWith("-manager-kafka"),
    )![0];

  /** Plans the edited dev stack from the applied state, then applies that saved plan. */
  async function planAndApply(
    label: string,
    edit: (config: Record<string, any>) => void,
  ): Promise<{ plan: PlanJson; apply: string; code: number | null }> {
    copyFileSync(applied(), join(stack.dir, "terraform.tfstate"));
    stack.useConfig(structuredClone(synth), edit);
    const plan = await planOf(stack, `${label}.tfplan`);
    const r = await stack.terraform("apply", "-input=false", `${label}.tfplan`);
    return { plan, apply: r.output, code: r.code };
  }

  useStackOnDouble(temporary, async () => (stack = await StackOnDouble.start(temporary, "apply-time")));

  beforeAll(async () => {
    synth = await synthesize("dev", temporary.create("synth-apply-time"));
    stack.useConfig(synth);
    const created = await stack.apply();
    if (created.code !== 0) throw new Error(`apply failed:\n${created.output}`);
    copyFileSync(join(stack.dir, "terraform.tfstate"), applied());
  }, 300_000);

  /**
   * Exactly one in-place update, of that one attribute; the destructive-change guard sees nothing; the new rule refuses
   * it, raw and redacted.
   */
  function expectRefusedUpdate(plan: PlanJson, updateOf: string, expected: RegExp): void {
    const updates = (plan.resource_changes ?? []).filter((rc) => actionOf(rc.change.actions) === "update");
    expect(updates.map((rc) => `${rc.type} ${changedAttributes(rc).join(", ")}`)).toEqual([updateOf]);
    expect(summarizePlan(plan).counts).toMatchObject({ update: 1, replace: 0, delete: 0 });
    expect(destructiveChanges(plan)).toEqual([]);
    const [raw, redacted] = [applyTimeFailures(plan), applyTimeFailures(redactPlan(plan))];
    expect(raw).toHaveLength(1);
    expect(raw[0]).toMatch(expected);
    expect(redacted).toEqual(raw);
    expect(
      renderReview({ stages: [{ stage: "dev", plan: redactPlan(plan) }], head, optedIn: true }).blocking.size,
    ).toBe(1);
  }

  const STATEMENT_APPLY_ERROR =
    /error updating Flink Statement "[^"]+": "stopped" or "properties_sensitive" attribute must be updated for Flink Statement/;

  test("a changed property of a running statement", async () => {
    const { plan, apply, code } = await planAndApply("properties", (config) => {
      statementOf(config).properties["sql.state-ttl"] = "7 d";
    });
    expectRefusedUpdate(
      plan,
      "confluent_flink_statement properties",
      /would change `properties` \(sql\.state-ttl: null -> "7 d"\) in place/,
    );
    // The deploy workflow's command on the uploaded (redacted) plan: refused even with the destructive opt-in.
    const file = join(stack.dir, "properties.plan.json");
    writeFileSync(file, JSON.stringify(redactPlan(plan)));
    const guard = await reviewGuard("dev", file, "--allow-destructive");
    expect([guard.code, guard.stdout]).toEqual([
      1,
      expect.stringContaining("dev: refused: `confluent_flink_statement.routing_dev-routing-set-"),
    ]);
    expect([code, apply]).toEqual([1, expect.stringMatching(STATEMENT_APPLY_ERROR)]);
  }, 120_000);

  test("a running statement's credentials: a new API key, and another existing key", async () => {
    const created = await planAndApply("new-key", (config) => {
      const address = flinkKeyAddress();
      config.resource.confluent_api_key[`${address}-rotated`] = {
        ...config.resource.confluent_api_key[address],
        display_name: "cdc-routing-dev-manager-flink-rotated",
      };
      statementOf(config).credentials = {
        key: `\${confluent_api_key.${address}-rotated.id}`,
        secret: `\${confluent_api_key.${address}-rotated.secret}`,
      };
    });
    expect(summarizePlan(created.plan).counts.create).toBe(1); // the new key
    expectRefusedUpdate(
      created.plan,
      "confluent_flink_statement credentials",
      /would change `credentials` \(an API key created by this apply\) in place/,
    );
    expect([created.code, created.apply]).toEqual([1, expect.stringMatching(STATEMENT_APPLY_ERROR)]);

    const other = await planAndApply("other-key", (config) => {
      statementOf(config).credentials = {
        key: `\${confluent_api_key.${kafkaKeyAddress()}.id}`,
        secret: `\${confluent_api_key.${kafkaKeyAddress()}.secret}`,
      };
    });
    // Known on both sides: the redacted plan shows only that the sensitive value changed.
    const statement = redactPlan(other.plan).resource_changes!.find((rc) => rc.type === "confluent_flink_statement")!;
    expect((statement.change.after as any).credentials).toEqual([{ key: REDACTED_CHANGED, secret: REDACTED_CHANGED }]);
    expectRefusedUpdate(
      other.plan,
      "confluent_flink_statement credentials",
      /would change `credentials` \(another API key\) in place/,
    );
    expect([other.code, other.apply]).toEqual([1, expect.stringMatching(STATEMENT_APPLY_ERROR)]);
  }, 180_000);

  test("a running statement's statement_name", async () => {
    const { plan, apply, code } = await planAndApply("statement-name", (config) => {
      statementOf(config).statement_name += "-renamed";
    });
    expectRefusedUpdate(
      plan,
      "confluent_flink_statement statement_name",
      /would change `statement_name` \("dev-routing-set-[0-9a-f]{8}" -> "dev-routing-set-[0-9a-f]{8}-renamed"\) in place/,
    );
    expect([code, apply]).toEqual([1, expect.stringMatching(STATEMENT_APPLY_ERROR)]);
  }, 120_000);

  test("a renamed connector", async () => {
    const { plan, apply, code } = await planAndApply("connector-name", (config) => {
      connectorOf(config).config_nonsensitive.name = "cdc-routing-dev-cdc";
    });
    expectRefusedUpdate(
      plan,
      "confluent_connector config_nonsensitive",
      /would rename connector `cdc-routing-dev-postgres-cdc` to `cdc-routing-dev-cdc` in place/,
    );
    expect([code, apply]).toEqual([
      1,
      expect.stringMatching(/error updating Connector "[^"]+": "name" attribute cannot be updated/),
    ]);
  }, 120_000);

  test("stopping alone is not refused, and applies", async () => {
    const { plan, code } = await planAndApply("stop", (config) => {
      statementOf(config).stopped = true;
    });
    expect(summarizePlan(plan).counts).toMatchObject({ update: 1 });
    expect(applyTimeFailures(redactPlan(plan))).toEqual([]);
    expect(code).toBe(0);
  }, 120_000);
});

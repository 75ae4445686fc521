/**
 * The Flink API key's rotation (README, "Rotating the Flink API key") applied with the real terraform CLI and the
 * real confluent provider against the local Confluent Cloud API double: dev applied, then flink.apiKeyGeneration
 * bumped and the lock evolved as `npm run statements:lock` does, planned, reviewed and applied; then the clean-up.
 * The stage config's generation has no command-line switch, so the stack is synthesized in this process from the
 * stage config with the bumped value (the same RoutingStageStack `node bin/run.js main.ts` builds).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { TemporaryDirs } from "../../local/processes";
import { CARRY_OVER_PROPERTY } from "../../lock/evolution";
import type { StageLock } from "../../lock/lock-file";
import { readLock } from "../../lock/lock-file";
import { lockStage } from "../../lock/stage-lock";
import { actionOf } from "../../review/plan";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import {
  plannedChanges,
  planReviewApply,
  realProvidersOrNotRun,
  StackOnDouble,
  useStackOnDouble,
} from "./stack-on-double";

const why = realProvidersOrNotRun(
  "Flink API key rotation suite",
  "the Flink API key's rotation against the local Confluent API double",
);

const temporary = new TemporaryDirs();
const filters = loadFilters("filters/filters.yaml");
const committed = readLock();
const DEPLOYED = committed.dev!.running[0].name;
const dev = stageConfig("dev", {});
const rotated: StageConfig = parseStageConfig({ ...dev, flink: { ...dev.flink, apiKeyGeneration: 2 } });

/** The dev stack's JSON for this stage config and lock, as `node bin/run.js main.ts dev` writes it. */
function synthesize(stage: StageConfig, lock: StageLock, label: string): Record<string, any> {
  const outdir = temporary.create(`synth-${label}`);
  const app = new App({ outdir });
  new RoutingStageStack(app, { stage, filters, lock });
  app.synth();
  return JSON.parse(readFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8"));
}

/** Statement name -> id of the API key in its credentials, and API key display name -> id, from the state. */
async function stateKeys(
  stack: StackOnDouble,
): Promise<{ statements: Record<string, string>; keys: Record<string, string> }> {
  const shown = await stack.terraform("show", "-json");
  const resources: any[] = JSON.parse(shown.stdout).values.root_module.resources;
  const of = (type: string) => resources.filter((r) => r.type === type).map((r) => r.values);
  return {
    statements: Object.fromEntries(
      of("confluent_flink_statement").map((s) => [s.statement_name, s.credentials[0].key]),
    ),
    keys: Object.fromEntries(
      of("confluent_api_key")
        .filter((k) => k.display_name.includes("manager-flink"))
        .map((k) => [k.display_name, k.id]),
    ),
  };
}

(why ? describe.skip : describe)("rotating the Flink API key against the local Confluent API double", () => {
  let stack: StackOnDouble;
  useStackOnDouble(temporary, async () => (stack = await StackOnDouble.start(temporary, "key-rotation")));

  beforeAll(async () => {
    stack.useConfig(synthesize(dev, committed.dev!, "deployed"));
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
  }, 300_000);

  test("a new key and a new statement from the old one's offsets; the old statement is only stopped, with its key", async () => {
    const lock = lockStage(committed, filters, rotated);
    stack.useConfig(synthesize(rotated, lock, "rotated"));
    const plan = await planReviewApply(stack, "rotate.tfplan");
    expect(plannedChanges(plan)).toEqual([
      "confluent_api_key create cdc-routing-dev-manager-flink-2",
      `confluent_flink_statement create ${DEPLOYED}-k2`,
      `confluent_flink_statement update ${DEPLOYED}: stopped`,
    ]);
    const created = plan.resource_changes!.find(
      (rc) => actionOf(rc.change.actions) === "create" && rc.type === "confluent_flink_statement",
    )!;
    expect((created.change.after as any).properties[CARRY_OVER_PROPERTY]).toBe(DEPLOYED);

    const { statements, keys } = await stateKeys(stack);
    expect(statements).toEqual({
      [DEPLOYED]: keys["cdc-routing-dev-manager-flink"],
      [`${DEPLOYED}-k2`]: keys["cdc-routing-dev-manager-flink-2"],
    });
    const phases = Object.fromEntries(
      [...stack.double.store.statements.values()].map((s: any) => [s.name, s.status.phase]),
    );
    expect(phases).toEqual({ [DEPLOYED]: "STOPPED", [`${DEPLOYED}-k2`]: "RUNNING" });
    expect(stack.double.unknownCalls).toEqual([]);
  }, 240_000);

  test("the clean-up deletes the stopped statement and then the old key", async () => {
    const lock = lockStage({ dev: lockStage(committed, filters, rotated) }, filters, rotated, { cleanup: true });
    stack.useConfig(synthesize(rotated, lock, "cleaned"));
    const plan = await planReviewApply(stack, "cleanup.tfplan");
    expect(plannedChanges(plan)).toEqual([
      "confluent_api_key delete cdc-routing-dev-manager-flink",
      `confluent_flink_statement delete ${DEPLOYED}`,
    ]);
    const { statements, keys } = await stateKeys(stack);
    expect(statements).toEqual({ [`${DEPLOYED}-k2`]: keys["cdc-routing-dev-manager-flink-2"] });
    expect(Object.keys(keys)).toEqual(["cdc-routing-dev-manager-flink-2"]);
    expect([...stack.double.store.statements.values()].map((s: any) => s.name)).toEqual([`${DEPLOYED}-k2`]);
    expect(
      [...stack.double.store.apiKeys.values()]
        .map((k: any) => k.spec.display_name)
        .filter((n: string) => n.includes("manager-flink")),
    ).toEqual(["cdc-routing-dev-manager-flink-2"]);
  }, 240_000);
});

/**
 * dev applied with the real terraform CLI and confluent provider while the local Confluent Cloud API double injects
 * API faults (local/confluent-api/faults.ts), a short seeded subset of bench/faults/api-faults.ts (which runs every
 * stage, kind and several seeds): a kind the provider does not retry (501) fails the apply naming it; with 20% of
 * every call failing (429 with Retry-After, 503, reset connections) the re-run converges and the next plan is empty.
 * CDC_ROUTING_API_FAULTS_SEED replays a failed run's draws.
 */

import { parseFaultRules, parseSeed } from "../../local/confluent-api/faults";
import { TemporaryDirs } from "../../local/processes";
import { stageConfig } from "../../stages/stages";
import { realProvidersOrNotRun, StackOnDouble } from "./stack-on-double";
import { synthesizeConfig } from "./synthesize-config";

const why = realProvidersOrNotRun("API faults suite", "terraform apply under API faults");

const SEED = parseSeed(process.env.CDC_ROUTING_API_FAULTS_SEED, "CDC_ROUTING_API_FAULTS_SEED") ?? 20261206;
const temporary = new TemporaryDirs();
/** Terraform wraps its messages at 78 columns when not on a terminal. */
const oneLine = (text: string) => text.replace(/\s+/g, " ");

(why ? describe.skip : describe)("dev under API faults (seed printed; CDC_ROUTING_API_FAULTS_SEED replays)", () => {
  let stack: StackOnDouble;
  let synth: Record<string, any>;

  beforeAll(async () => {
    console.log(`API faults e2e: seed ${SEED}`);
    stack = await StackOnDouble.start(temporary, "dev-faults");
    // In this process (no `node bin/run.js main.ts`): the same RoutingStageStack, seconds sooner on a loaded machine.
    synth = synthesizeConfig(stageConfig("dev", {}), temporary.create("synth-dev-faults"));
    stack.useConfig(synth);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    temporary.removeAll();
  });

  test("501 (not retried) fails the apply naming it; with 20% of every call failing the re-run converges, the next plan is empty", async () => {
    const started = Date.now();
    stack.double.setFaults({ rules: parseFaultRules("501@100% POST /iam/v2/service-accounts"), seed: SEED });
    const failed = await stack.apply();
    expect(failed.code).toBe(1);
    expect(oneLine(failed.output)).toMatch(
      /Error: error creating service account "cdc-routing-dev-[a-z-]+": 501 Not Implemented/,
    );
    // Not retried: one call per service account.
    expect(stack.double.faults?.retries).toBe(0);

    const faults = stack.double.setFaults({ rules: parseFaultRules("429@10%; 503@5%; reset@5%"), seed: SEED })!;
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply under faults failed (seed ${SEED}):\n${applied.output}`);
    const { run: planned } = await stack.pendingPlanChanges("check.tfplan");
    if (planned.code !== 0)
      throw new Error(`plan after the apply (seed ${SEED}) exits ${planned.code}:\n${planned.output}`);
    console.log(`${faults.summary()}; 501 apply + apply + plan ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect([faults.injected["429"], faults.injected["503"], faults.injected.reset].every((n) => n > 0)).toBe(true);
    expect(faults.retries).toBeGreaterThan(0);
    expect(stack.double.unknownCalls).toEqual([]);
  }, 180_000);
});

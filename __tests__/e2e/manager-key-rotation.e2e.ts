/**
 * The manager's Kafka and Schema Registry API keys rotated by generation (stages/credentials.ts,
 * docs/runbooks/rotate-api-keys.md), applied with the real terraform CLI and confluent provider against the local
 * Confluent Cloud API double: the new keys are created, topics and schemas take them in place (the provider accepts a
 * `credentials` change on both), nothing else changes, the next plan is empty; the clean-up deletes exactly the old
 * keys, and the stack keeps working with the new ones (its refresh reads every topic and schema with them).
 */
import { TemporaryDirs } from "../../local/processes";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import {
  plannedChanges,
  planReviewApply,
  realProvidersOrNotRun,
  StackOnDouble,
  useStackOnDouble,
} from "./stack-on-double";
import { synthesizeConfig } from "./synthesize-config";

const why = realProvidersOrNotRun(
  "manager key rotation suite",
  "the manager keys' rotation against the local Confluent API double",
);

const temporary = new TemporaryDirs();
const dev = stageConfig("dev", {});
const withManagerKeys = (generations: number[]): StageConfig =>
  parseStageConfig({
    ...dev,
    credentials: {
      ...dev.credentials,
      manager: { kafkaKeyGenerations: generations, schemaRegistryKeyGenerations: generations },
    },
  });

/** Which manager key each topic and schema in the state uses, by the key's display name. */
async function credentialsInState(stack: StackOnDouble): Promise<string[]> {
  const shown = await stack.terraform("show", "-json");
  const resources: any[] = JSON.parse(shown.stdout).values.root_module.resources;
  const keyName = new Map(
    resources.filter((r) => r.type === "confluent_api_key").map((r) => [r.values.id, r.values.display_name]),
  );
  return [
    ...new Set(
      resources
        .filter((r) => r.type === "confluent_kafka_topic" || r.type === "confluent_schema")
        .map((r) => `${r.type} ${keyName.get(r.values.credentials[0].key)}`),
    ),
  ].sort();
}

(why ? describe.skip : describe)("rotating the manager's API keys against the local Confluent API double", () => {
  let stack: StackOnDouble;
  useStackOnDouble(temporary, async () => (stack = await StackOnDouble.start(temporary, "manager-keys")));

  beforeAll(async () => {
    stack.useConfig(synthesizeConfig(withManagerKeys([1]), temporary.create("synth-first")));
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
  }, 300_000);

  test("a new generation: two new keys, topics and schemas take them in place, nothing else changes", async () => {
    stack.useConfig(synthesizeConfig(withManagerKeys([1, 2]), temporary.create("synth-rotated")));
    const changes = plannedChanges(await planReviewApply(stack, "rotate.tfplan"));
    expect(changes.filter((c) => c.startsWith("confluent_api_key"))).toEqual([
      "confluent_api_key create cdc-routing-dev-manager-kafka-2",
      "confluent_api_key create cdc-routing-dev-manager-schema-registry-2",
    ]);
    const others = changes.filter((c) => !c.startsWith("confluent_api_key"));
    expect(others.length).toBeGreaterThan(0);
    for (const c of others) expect(c).toMatch(/^confluent_(kafka_topic|schema) update .*: credentials$/);
    expect(await credentialsInState(stack)).toEqual([
      "confluent_kafka_topic cdc-routing-dev-manager-kafka-2",
      "confluent_schema cdc-routing-dev-manager-schema-registry-2",
    ]);
    expect(stack.double.unknownCalls).toEqual([]);
  }, 240_000);

  test("the clean-up deletes exactly the old keys; the double holds only the new ones", async () => {
    stack.useConfig(synthesizeConfig(withManagerKeys([2]), temporary.create("synth-cleaned")));
    // The check that a plan is empty names what is pending when it is not (StackOnDouble.pendingPlanChanges).
    const pending = await stack.pendingPlanChanges("pending.tfplan");
    expect({ code: pending.run.code, pending: pending.pending }).toEqual({
      code: 2,
      pending: [
        expect.stringMatching(/^confluent_api_key\.\S+ \(delete\): /),
        expect.stringMatching(/^confluent_api_key\.\S+ \(delete\): /),
      ],
    });
    expect(plannedChanges(await planReviewApply(stack, "cleanup.tfplan"))).toEqual([
      "confluent_api_key delete cdc-routing-dev-manager-kafka",
      "confluent_api_key delete cdc-routing-dev-manager-schema-registry",
    ]);
    const managerKeys = [...stack.double.store.apiKeys.values()]
      .map((k: any) => k.spec.display_name as string)
      .filter((n) => /manager-(kafka|schema-registry)/.test(n))
      .sort();
    expect(managerKeys).toEqual(["cdc-routing-dev-manager-kafka-2", "cdc-routing-dev-manager-schema-registry-2"]);
  }, 240_000);
});

/**
 * Rotating the manager's and the consumers' Confluent API keys by generation (stages/credentials.ts), on synthesized
 * JSON: a new generation adds a key and points its users at it, keeps the old key, and leaves every statement and the
 * connector as they are; the clean-up removes only the old key. Applied against the local API double and read by a
 * running consumer: __tests__/e2e/consumer-key-rotation.e2e.ts.
 */
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { readLock } from "../../lock/lock-file";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { SNAPSHOT_DATE, synthStack } from "../support/stack-helpers";

type Json = Record<string, any>;
const dev = stageConfig("dev");
const filters = loadFilters("filters/filters.yaml");

function synth(generations: { consumer?: number[]; managerKafka?: number[]; managerSchemaRegistry?: number[] }): Json {
  const { credentials } = dev;
  const stage: StageConfig = parseStageConfig({
    ...dev,
    credentials: {
      ...credentials,
      manager: {
        kafkaKeyGenerations: generations.managerKafka ?? [1],
        schemaRegistryKeyGenerations: generations.managerSchemaRegistry ?? [1],
      },
      consumers: {
        ...credentials.consumers,
        "loan-servicing": {
          ...credentials.consumers["loan-servicing"],
          kafkaKeyGenerations: generations.consumer ?? [1],
        },
      },
    },
  });
  return synthStack(
    (app) => new RoutingStageStack(app, { stage, filters, lock: readLock().dev, today: SNAPSHOT_DATE }),
  );
}

/** `<type> <added|removed|changed> <id>` for every resource that differs, sorted. */
function changes(before: Json, after: Json): string[] {
  const out: string[] = [];
  for (const type of new Set([...Object.keys(before.resource), ...Object.keys(after.resource)])) {
    const [b, a] = [before.resource[type] ?? {}, after.resource[type] ?? {}];
    for (const id of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (!(id in b)) out.push(`${type} added ${id.replace(/_[0-9A-F]{8}$/, "")}`);
      else if (!(id in a)) out.push(`${type} removed ${id.replace(/_[0-9A-F]{8}$/, "")}`);
      else if (JSON.stringify(a[id]) !== JSON.stringify(b[id]))
        out.push(`${type} changed ${id.replace(/_[0-9A-F]{8}$/, "")}`);
    }
  }
  return out.sort();
}

const keyRef = (synthesized: Json, keyId: string): string => {
  const [address] = Object.keys(synthesized.resource.confluent_api_key).filter((k) =>
    k.startsWith(`identity_${keyId}_`),
  );
  return `confluent_api_key.${address}`;
};

describe("API key generations", () => {
  const shipped = synth({});

  test("generation 1 is the key the stack always had: same address and display name", () => {
    const consumerKey = Object.entries(shipped.resource.confluent_api_key as Json).find(([id]) =>
      id.startsWith("identity_consumer-loan-servicing-kafka_"),
    )!;
    expect(consumerKey[1].display_name).toBe("cdc-routing-dev-consumer-loan-servicing-kafka");
  });

  test("a consumer's new generation: a new key, the secret's new value, nothing else; the old key stays", () => {
    const rotated = synth({ consumer: [1, 2] });
    expect(changes(shipped, rotated)).toEqual([
      "aws_secretsmanager_secret_version changed consumer-secrets_secret-loan-servicing-value",
      "confluent_api_key added identity_consumer-loan-servicing-kafka-2",
    ]);
    const secret = Object.entries(rotated.resource.aws_secretsmanager_secret_version as Json).find(([id]) =>
      id.includes("loan-servicing"),
    )![1].secret_string as string;
    const newKey = keyRef(rotated, "consumer-loan-servicing-kafka-2");
    expect(secret).toContain(`${newKey}.id`);
    expect(secret).toContain(`${newKey}.secret`);
    expect(secret).not.toContain(keyRef(rotated, "consumer-loan-servicing-kafka"));
    const key2 = rotated.resource.confluent_api_key[newKey.split(".")[1]];
    expect(key2.display_name).toBe("cdc-routing-dev-consumer-loan-servicing-kafka-2");
    // Owned by the consumer's account, for the cluster, after the consumer's grants: like generation 1.
    const key1 = rotated.resource.confluent_api_key[keyRef(rotated, "consumer-loan-servicing-kafka").split(".")[1]];
    expect({ ...key2, display_name: "", "//": undefined }).toEqual({ ...key1, display_name: "", "//": undefined });
  });

  test("the clean-up drops only the old key; the secret keeps the new one", () => {
    const rotated = synth({ consumer: [1, 2] });
    expect(changes(rotated, synth({ consumer: [2] }))).toEqual([
      "confluent_api_key removed identity_consumer-loan-servicing-kafka",
    ]);
  });

  test("the manager's Kafka and Schema Registry keys: Terraform's own calls move to the new key in place; statements, connector and consumers' keys stay", () => {
    const rotated = synth({ managerKafka: [1, 2], managerSchemaRegistry: [1, 2] });
    const changed = changes(shipped, rotated);
    expect(changed.filter((c) => c.startsWith("confluent_api_key"))).toEqual([
      "confluent_api_key added identity_manager-kafka-2",
      "confluent_api_key added identity_manager-schema-registry-2",
    ]);
    // Topics and schemas take credentials, which the provider updates in place (kafkaTopicUpdate, schemaUpdate
    // accept a credentials change); nothing else changes.
    expect([
      ...new Set(
        changed.filter((c) => !c.startsWith("confluent_api_key")).map((c) => c.split(" ").slice(0, 2).join(" ")),
      ),
    ]).toEqual(["confluent_kafka_topic changed", "confluent_schema changed"]);
    for (const topic of Object.values(rotated.resource.confluent_kafka_topic as Json))
      expect(topic.credentials).toEqual({
        key: `\${${keyRef(rotated, "manager-kafka-2")}.id}`,
        secret: `\${${keyRef(rotated, "manager-kafka-2")}.secret}`,
      });
    for (const schema of Object.values(rotated.resource.confluent_schema as Json))
      expect(schema.credentials.key).toBe(`\${${keyRef(rotated, "manager-schema-registry-2")}.id}`);
    expect(rotated.resource.confluent_flink_statement).toEqual(shipped.resource.confluent_flink_statement);
    expect(rotated.resource.confluent_connector).toEqual(shipped.resource.confluent_connector);
  });
});

/** Kafka client settings from the environment or from a consumer's secret (consumers/kafka-config.ts). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { consumerSecretValue } from "../../access/consumer-secret";
import {
  connectionChanged,
  describeKafkaConfig,
  kafkaConfigFromEnv,
  kafkaConfigFromSecret,
  readConsumerSecret,
} from "../../consumers/kafka-config";
import { temporaryDirectory } from "../support/helpers";

describe("Kafka settings from the environment", () => {
  test("loopback PLAINTEXT, or SASL_SSL with key and secret; the description never shows the secret", () => {
    expect(kafkaConfigFromEnv({ KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:9092" }, "c")).toEqual({
      clientId: "c",
      brokers: ["127.0.0.1:9092"],
    });
    const cloud = kafkaConfigFromEnv(
      {
        KAFKA_BOOTSTRAP_SERVERS: "SASL_SSL://pkc-1.example:9092",
        KAFKA_API_KEY: "KEY",
        KAFKA_API_SECRET: "s3cret-value",
      },
      "c",
    );
    expect(cloud).toMatchObject({
      brokers: ["pkc-1.example:9092"],
      ssl: true,
      sasl: { mechanism: "plain", username: "KEY" },
    });
    expect(describeKafkaConfig(cloud)).toBe("pkc-1.example:9092 (SASL_SSL)");
    expect(() => kafkaConfigFromEnv({}, "c")).toThrow("KAFKA_BOOTSTRAP_SERVERS is not set");
    expect(() => kafkaConfigFromEnv({ KAFKA_BOOTSTRAP_SERVERS: "h:1", KAFKA_API_KEY: "KEY" }, "c")).toThrow(
      "set both KAFKA_API_KEY and KAFKA_API_SECRET",
    );
  });
});

describe("Kafka settings from a consumer's secret", () => {
  const secret = consumerSecretValue(
    "loan-servicing",
    "SASL_SSL://pkc-1.example:9092",
    { id: "KEY1", secret: "s3cret-1" },
    ["filtered-loan-created-events"],
  );
  const file = (value: unknown): string => {
    const f = join(temporaryDirectory("secret"), "secret.json");
    writeFileSync(f, typeof value === "string" ? value : JSON.stringify(value));
    return f;
  };

  test("the value the stack writes reads back as SASL_SSL with its key, its group and topics", () => {
    const read = readConsumerSecret(file(secret));
    expect(read).toEqual({ ...secret, group_id: "loan-servicing-consumer-group" });
    expect(kafkaConfigFromSecret(read, "c")).toEqual({
      clientId: "c",
      brokers: ["pkc-1.example:9092"],
      ssl: true,
      sasl: { mechanism: "plain", username: "KEY1", password: "s3cret-1" },
    });
    // The local engines' copy: PLAINTEXT, the key carried but not sent.
    expect(kafkaConfigFromSecret({ ...read, security_protocol: "PLAINTEXT" }, "c")).toEqual({
      clientId: "c",
      brokers: ["pkc-1.example:9092"],
    });
  });

  test("another key is a changed connection; the same value is not", () => {
    const read = readConsumerSecret(file(secret));
    expect(connectionChanged(read, readConsumerSecret(file(secret)))).toBe(false);
    expect(connectionChanged(read, { ...read, api_key: "KEY2", api_secret: "s3cret-2" })).toBe(true);
  });

  test("a missing, non-JSON or foreign file is an input error naming the file and the fields, never a value", () => {
    expect(() => readConsumerSecret("/nonexistent/secret.json")).toThrow(
      "cannot read the consumer secret /nonexistent/secret.json: ENOENT",
    );
    const notJson = file("{");
    expect(() => readConsumerSecret(notJson)).toThrow(`the consumer secret ${notJson} is not JSON`);
    const foreign = file({ ...secret, api_key: undefined, sasl_mechanism: "SCRAM" });
    expect(() => readConsumerSecret(foreign)).toThrow(
      `the consumer secret ${foreign} is not a cdc-routing consumer secret: sasl_mechanism, api_key`,
    );
    try {
      readConsumerSecret(foreign);
    } catch (e) {
      expect(String(e)).not.toContain("s3cret");
    }
  });
});

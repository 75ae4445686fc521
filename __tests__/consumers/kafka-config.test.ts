/** Kafka client settings from the environment (consumers/kafka-config.ts). */
import { describeKafkaConfig, kafkaConfigFromEnv } from "../../consumers/kafka-config";

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

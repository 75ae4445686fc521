/**
 * Kafka client settings from the environment: loopback PLAINTEXT for the local pipeline, SASL_SSL with an API
 * key for Confluent Cloud. The secret is read here and never printed.
 */
import type { KafkaConfig } from "kafkajs";

export interface KafkaEnv {
  KAFKA_BOOTSTRAP_SERVERS?: string;
  KAFKA_API_KEY?: string;
  KAFKA_API_SECRET?: string;
}

export function kafkaConfigFromEnv(env: KafkaEnv, clientId: string): KafkaConfig {
  const brokers = (env.KAFKA_BOOTSTRAP_SERVERS ?? "").split(",").map((b) => b.trim().replace(/^SASL_SSL:\/\//, "")).filter(Boolean);
  if (brokers.length === 0) throw new Error("KAFKA_BOOTSTRAP_SERVERS is not set (host:port[,host:port])");
  const key = env.KAFKA_API_KEY;
  const secret = env.KAFKA_API_SECRET;
  if (Boolean(key) !== Boolean(secret)) throw new Error("set both KAFKA_API_KEY and KAFKA_API_SECRET, or neither (loopback PLAINTEXT)");
  if (!key || !secret) return { clientId, brokers };
  return { clientId, brokers, ssl: true, sasl: { mechanism: "plain", username: key, password: secret } };
}

/** What is safe to print about a config: brokers and whether SASL is on, never the credentials. */
export function describeKafkaConfig(config: KafkaConfig): string {
  const brokers = Array.isArray(config.brokers) ? config.brokers.join(",") : "(dynamic)";
  return `${brokers} (${config.sasl ? "SASL_SSL" : "PLAINTEXT"})`;
}

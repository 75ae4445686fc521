/**
 * Kafka client settings from the environment: loopback PLAINTEXT for the local pipeline, SASL_SSL with an API
 * key for Confluent Cloud. The secret is read here and never printed.
 */
import type { KafkaConfig } from "kafkajs";
import { InputError } from "../lib/errors";

export interface KafkaEnv {
  KAFKA_BOOTSTRAP_SERVERS?: string;
  KAFKA_API_KEY?: string;
  KAFKA_API_SECRET?: string;
}

export function kafkaConfigFromEnv(env: KafkaEnv, clientId: string): KafkaConfig {
  const brokers = (env.KAFKA_BOOTSTRAP_SERVERS ?? "")
    .split(",")
    .map((b) => b.trim().replace(/^SASL_SSL:\/\//, ""))
    .filter(Boolean);
  if (brokers.length === 0) throw new InputError("KAFKA_BOOTSTRAP_SERVERS is not set (host:port[,host:port])");
  const key = env.KAFKA_API_KEY;
  const secret = env.KAFKA_API_SECRET;
  if (Boolean(key) !== Boolean(secret))
    throw new InputError("set both KAFKA_API_KEY and KAFKA_API_SECRET, or neither (loopback PLAINTEXT)");
  if (!key || !secret) return { clientId, brokers };
  return { clientId, brokers, ssl: true, sasl: { mechanism: "plain", username: key, password: secret } };
}

/**
 * Runs work against Kafka; a failure of the Kafka client (an unreachable broker, refused credentials: kafkajs
 * names its errors KafkaJS...) is the environment's, reported as an input error naming the brokers.
 */
export async function talkingToKafka<T>(config: KafkaConfig, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Error && e.name.startsWith("KafkaJS")) {
      throw new InputError(
        `Kafka at ${describeKafkaConfig(config)}: ${e.message}; check KAFKA_BOOTSTRAP_SERVERS, KAFKA_API_KEY and KAFKA_API_SECRET`,
      );
    }
    throw e;
  }
}

/** What is safe to print about a config: brokers and whether SASL is on, never the credentials. */
export function describeKafkaConfig(config: KafkaConfig): string {
  const brokers = Array.isArray(config.brokers) ? config.brokers.join(",") : "(dynamic)";
  return `${brokers} (${config.sasl ? "SASL_SSL" : "PLAINTEXT"})`;
}

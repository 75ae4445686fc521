/**
 * Kafka client settings from the environment: loopback PLAINTEXT for the local pipeline, SASL_SSL with an API
 * key for Confluent Cloud. The secret is read here and never printed.
 */
import { readFileSync } from "node:fs";
import type { KafkaConfig } from "kafkajs";
import { type ConsumerSecret, consumerSecretSchema } from "../access/consumer-secret";
import { InputError } from "../lib/errors";

export interface KafkaEnv {
  KAFKA_BOOTSTRAP_SERVERS?: string;
  KAFKA_API_KEY?: string;
  KAFKA_API_SECRET?: string;
}

/** host:port entries of a bootstrap list, without Confluent's `SASL_SSL://` scheme. */
const brokerList = (servers: string | undefined): string[] =>
  (servers ?? "")
    .split(",")
    .map((b) => b.trim().replace(/^SASL_SSL:\/\//, ""))
    .filter(Boolean);

export function kafkaConfigFromEnv(env: KafkaEnv, clientId: string): KafkaConfig {
  const brokers = brokerList(env.KAFKA_BOOTSTRAP_SERVERS);
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

/**
 * A consumer's secret as the stack writes it to Secrets Manager (access/consumer-secret.ts), read from a file: what
 * the Secrets Store CSI driver mounts, or `aws secretsmanager get-secret-value --query SecretString --output text`
 * writes (docs/security.md). An unreadable or malformed file is an input error that names the file, never a value.
 */
export function readConsumerSecret(file: string): ConsumerSecret {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read the consumer secret ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`the consumer secret ${file} is not JSON`);
  }
  const parsed = consumerSecretSchema.safeParse(json);
  if (!parsed.success)
    throw new InputError(
      `the consumer secret ${file} is not a cdc-routing consumer secret: ${parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ")}`,
    );
  return parsed.data;
}

/** Kafka client settings from a consumer's secret: SASL_SSL with its API key, or the local engines' PLAINTEXT. */
export function kafkaConfigFromSecret(secret: ConsumerSecret, clientId: string): KafkaConfig {
  const brokers = brokerList(secret.bootstrap_servers);
  if (secret.security_protocol === "PLAINTEXT") return { clientId, brokers };
  return {
    clientId,
    brokers,
    ssl: true,
    sasl: { mechanism: "plain", username: secret.api_key, password: secret.api_secret },
  };
}

/** Whether a client must reconnect for the secret's new value: another key, endpoint, group or topics. */
export function connectionChanged(before: ConsumerSecret, after: ConsumerSecret): boolean {
  return JSON.stringify(before) !== JSON.stringify(after);
}

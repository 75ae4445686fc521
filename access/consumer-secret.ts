/**
 * What a consumer's secret holds (constructs/consumer-secrets.ts writes it to Secrets Manager; consumers/consumer.ts
 * reads it): everything a Kafka client needs to read the consumer's topics as its group. One definition for both, so
 * the example consumer reads exactly what the stack writes.
 */
import { z } from "zod";
import { consumerGroup } from "./grants";

export const consumerSecretSchema = z.object({
  bootstrap_servers: z.string().min(1),
  // The stack writes SASL_SSL; PLAINTEXT is the local engines' Kafka (no TLS, no authentication; docs/local.md).
  security_protocol: z.enum(["SASL_SSL", "PLAINTEXT"]),
  sasl_mechanism: z.literal("PLAIN"),
  api_key: z.string().min(1),
  api_secret: z.string().min(1),
  group_id: z.string().min(1),
  topics: z.array(z.string()),
});

export type ConsumerSecret = z.infer<typeof consumerSecretSchema>;

/**
 * The secret of one consumer. `T` is a Terraform reference in the stack (the key's id and secret, the cluster's
 * endpoint), a plain string where the values are known. Confluent Cloud takes API keys over SASL_SSL with PLAIN.
 */
export function consumerSecretValue<T>(
  consumer: string,
  bootstrapServers: T,
  key: { id: T; secret: T },
  topics: readonly string[],
) {
  return {
    bootstrap_servers: bootstrapServers,
    security_protocol: "SASL_SSL" as const,
    sasl_mechanism: "PLAIN" as const,
    api_key: key.id,
    api_secret: key.secret,
    group_id: consumerGroup(consumer),
    topics: [...topics],
  };
}

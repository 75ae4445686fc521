/**
 * A stage's credential settings (stages/config.ts `credentials`): who administers and reads the stage's KMS key,
 * who may read each consumer's secret, and the generation of every Confluent API key the stack makes besides
 * Flink's (`flink.apiKeyGeneration`). docs/security.md lists every credential; docs/runbooks/rotate-api-keys.md
 * says how a generation rotates a key.
 */
import { z } from "zod";

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const iamRole = z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
const iamPrincipal = z
  .string()
  .regex(IAM_PRINCIPAL_ARN, "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)");

/**
 * The live generations of one API key, oldest first. The last one is in use (Terraform's own calls, the
 * consumer's secret); the ones before it stay valid until removed. Rotating appends a generation (`[1]` ->
 * `[1, 2]`), the clean-up removes the old one (`[2]`).
 */
export const keyGenerations = z
  .array(z.number().int().min(1))
  .min(1)
  .max(3)
  .refine((g) => g.every((n, i) => i === 0 || n > g[i - 1]), "must be ascending, oldest first (e.g. [1, 2])");

const FIRST: number[] = [1];

export const consumerCredentials = z.strictObject({
  /**
   * IAM roles or users that read this consumer's secret: the stage's KMS key lets them decrypt it through Secrets
   * Manager, and nothing else. @default - none: only the stage's apply and plan roles can read it
   */
  readers: z.array(iamPrincipal).default([]),
  /** Generations of the consumer's Kafka API key (keyGenerations). @default [1] */
  kafkaKeyGenerations: keyGenerations.default(FIRST),
});

export const credentialsSchema = z.strictObject({
  /** The role that applies the stage: the only principal that administers the stage's KMS key. */
  applyRoleArn: iamRole,
  /** The role that plans the stage: reads the key's settings and, to refresh them, the secrets. */
  planRoleArn: iamRole,
  /** The manager account's keys: Terraform's own for topics, ACLs (Kafka) and schemas (Schema Registry). */
  manager: z
    .strictObject({
      kafkaKeyGenerations: keyGenerations.default(FIRST),
      schemaRegistryKeyGenerations: keyGenerations.default(FIRST),
    })
    .default({ kafkaKeyGenerations: FIRST, schemaRegistryKeyGenerations: FIRST }),
  /** By consumer name (filters.yaml); a consumer not named here has no reader and key generation 1. */
  consumers: z.record(z.string(), consumerCredentials).default({}),
});

export type CredentialsConfig = z.infer<typeof credentialsSchema>;
export type ConsumerCredentials = z.infer<typeof consumerCredentials>;

/** A consumer's settings, the defaults when the stage names none. */
export function consumerCredentialsOf(credentials: CredentialsConfig, consumer: string): ConsumerCredentials {
  return credentials.consumers[consumer] ?? { readers: [], kafkaKeyGenerations: FIRST };
}

/** The AWS account and partition of the apply role: where the stage's key and secrets live. */
export function stageAccount(credentials: CredentialsConfig): { partition: string; account: string } {
  const [, partition, , , account] = credentials.applyRoleArn.split(":");
  return { partition, account };
}

/**
 * Construct id (and, after the stage prefix, display name) of one generation of an API key: generation 1 keeps the
 * key's plain id, so a stage that never rotated keeps its addresses; later ones say their generation.
 */
export function keyIdOfGeneration(base: string, generation: number): string {
  return generation === 1 ? base : `${base}-${generation}`;
}

/**
 * Where a stage keeps its Terraform state: the values in stages/stages.ts, overridable from the environment so
 * another account (or a fork) can use its own bucket without editing code. Every value is validated, and an
 * invalid override names its variable.
 *
 *   CDC_ROUTING_STATE          s3 | local      local: terraform.<stage>.tfstate next to the stack (not for a protected
 * stage)
 *   CDC_ROUTING_STATE_BUCKET   S3 bucket
 *   CDC_ROUTING_STATE_KEY      object key; must contain {stage} so the stages' states stay apart
 *   CDC_ROUTING_STATE_REGION   the bucket's AWS region
 *   CDC_ROUTING_STATE_LOCK     s3-lockfile (S3-native lock file, Terraform >= 1.10) | dynamodb:<table>
 */
import { z } from "zod";
import { InputError } from "../lib/errors";
import { resourceNames } from "./resource-names";

// S3 bucket naming rules (general purpose buckets): 3-63 characters, lower-case letters, digits, '.', '-',
// starting and ending with a letter or digit, no '..', not an IP address.
const s3Bucket = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "must be an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit",
  )
  .refine(
    (b) => !b.includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(b),
    "must be an S3 bucket name (no '..', not an IP address)",
  );
const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as eu-west-1");
const stateKey = z.string().regex(/^[^/].*[^/]$/, "must be an S3 object key without a leading or trailing '/'");
const dynamodbTable = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name (3-255 letters, digits, '_', '-', '.')");

export const stateLock = z.union([z.literal("s3-lockfile"), z.strictObject({ dynamodbTable })]);

export const backendSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("local") }),
  z.strictObject({ kind: z.literal("s3"), bucket: s3Bucket, key: stateKey, region: awsRegion, lock: stateLock }),
]);

export type BackendConfig = z.infer<typeof backendSchema>;

export const BACKEND_ENV = {
  kind: "CDC_ROUTING_STATE",
  bucket: "CDC_ROUTING_STATE_BUCKET",
  key: "CDC_ROUTING_STATE_KEY",
  region: "CDC_ROUTING_STATE_REGION",
  lock: "CDC_ROUTING_STATE_LOCK",
} as const;

export class BackendOverrideError extends InputError {}

function checked<T>(variable: string, value: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BackendOverrideError(`${variable}='${value}' ${parsed.error.issues[0].message}`);
}

function lockFromText(variable: string, text: string): z.infer<typeof stateLock> {
  if (text === "s3-lockfile") return "s3-lockfile";
  const table = /^dynamodb:(.+)$/.exec(text)?.[1];
  if (table === undefined)
    throw new BackendOverrideError(`${variable}='${text}' must be s3-lockfile or dynamodb:<table>`);
  return { dynamodbTable: checked(variable, table, dynamodbTable) };
}

/**
 * The stage's backend with the environment's overrides applied (unset or empty variables change nothing).
 * Throws BackendOverrideError naming the variable for an invalid value.
 */
export function backendWithOverrides(configured: BackendConfig, stage: string, env: NodeJS.ProcessEnv): BackendConfig {
  const value = (name: string): string | undefined => (env[name] ? env[name] : undefined);
  const kind = value(BACKEND_ENV.kind);
  if (kind !== undefined && kind !== "s3" && kind !== "local")
    throw new BackendOverrideError(`${BACKEND_ENV.kind}='${kind}' must be s3 or local`);
  const s3Overrides = [BACKEND_ENV.bucket, BACKEND_ENV.key, BACKEND_ENV.region, BACKEND_ENV.lock].filter(
    (n) => value(n) !== undefined,
  );
  if (kind === "local") {
    if (s3Overrides.length > 0)
      throw new BackendOverrideError(
        `${BACKEND_ENV.kind}=local keeps state in a local file; unset ${s3Overrides.join(", ")}`,
      );
    return { kind: "local" };
  }
  if (configured.kind === "local" && kind === undefined && s3Overrides.length === 0) return configured;
  const base = configured.kind === "s3" ? configured : undefined;
  const keyTemplate = value(BACKEND_ENV.key);
  if (keyTemplate !== undefined && !keyTemplate.includes("{stage}")) {
    throw new BackendOverrideError(
      `${BACKEND_ENV.key}='${keyTemplate}' must contain {stage} (e.g. cdc-routing/{stage}/terraform.tfstate) so the stages' states stay apart`,
    );
  }
  const bucket = value(BACKEND_ENV.bucket) ?? base?.bucket;
  const region = value(BACKEND_ENV.region) ?? base?.region;
  if (bucket === undefined || region === undefined) {
    throw new BackendOverrideError(
      `stage ${stage} keeps local state; for S3 state set ${BACKEND_ENV.bucket} and ${BACKEND_ENV.region}`,
    );
  }
  const lockText = value(BACKEND_ENV.lock);
  return {
    kind: "s3",
    bucket: checked(BACKEND_ENV.bucket, bucket, s3Bucket),
    key:
      keyTemplate !== undefined
        ? checked(BACKEND_ENV.key, keyTemplate.replaceAll("{stage}", stage), stateKey)
        : (base?.key ?? resourceNames(stage).stateKey),
    region: checked(BACKEND_ENV.region, region, awsRegion),
    lock: lockText !== undefined ? lockFromText(BACKEND_ENV.lock, lockText) : (base?.lock ?? "s3-lockfile"),
  };
}

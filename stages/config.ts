/**
 * Typed, validated per-stage configuration. Values live in stages/stages.ts (reviewed like code); this file
 * says what is allowed and derives sizing, so the constructs only wire resources.
 */
import { z } from "zod";
import { durationProblem } from "../lib/duration";
import { InputError } from "../lib/errors";
import { backendSchema } from "./backend";
import { credentialsSchema } from "./credentials";
import { deployedBeforeSchema } from "./deployed-before";
import { STAGE_NAMES } from "./names";

const DAY_MS = 24 * 60 * 60 * 1000;

const topicSizing = z.strictObject({
  partitions: z.number().int().min(1).max(4096),
  retentionMs: z
    .number()
    .int()
    .min(60 * 60 * 1000),
});

/** A Prometheus duration (lib/duration.ts): 30s, 10m, 2h, 1d. */
const duration = z.string().superRefine((value, ctx) => {
  const problem = durationProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const postgresName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case PostgreSQL identifier");

export const stageConfigSchema = z.strictObject({
  name: z.enum(STAGE_NAMES),
  confluent: z.strictObject({
    cloud: z.enum(["AWS", "GCP", "AZURE"]),
    region: z.string().min(1),
    streamGovernance: z.enum(["ESSENTIALS", "ADVANCED"]),
    /**
     * The confluent provider's `max_retries`: how often one API call is retried after a 429 or a 5xx (not 501),
     * waiting 1, 2, 4, ... s up to 30 s each, or the Retry-After the API sends (go-retryablehttp 0.7.7
     * DefaultBackoff). At least 4, the provider's own minimum and default (provider.go). See retryBudgetSeconds.
     */
    maxRetries: z.number().int().min(4).max(20),
  }),
  kafka: z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("basic"),
      availability: z.literal("SINGLE_ZONE"),
      /**
       * Flink cannot get least-privilege access on Basic (see basicClusterProblem); this explicit opt-in gives
       * Flink's account CloudClusterAdmin on the cluster instead. @default - none: a Basic stage is refused.
       */
      flinkAccessOnBasic: z.literal("CloudClusterAdmin").optional(),
    }),
    z.strictObject({ type: z.literal("standard"), availability: z.enum(["SINGLE_ZONE", "MULTI_ZONE"]) }),
    z.strictObject({ type: z.literal("enterprise"), availability: z.enum(["LOW", "HIGH"]) }),
    z.strictObject({
      type: z.literal("dedicated"),
      availability: z.enum(["SINGLE_ZONE", "MULTI_ZONE"]),
      cku: z.number().int().min(1),
    }),
  ]),
  topics: z.strictObject({
    raw: topicSizing,
    consumer: topicSizing,
    /** Guard: no topic of this stage may keep data for less than this. */
    minRetentionMs: z.number().int().min(0),
  }),
  flink: z.strictObject({
    maxCfu: z.union([z.literal(5), z.literal(10), z.literal(20), z.literal(30), z.literal(40), z.literal(50)]),
    shape: z.enum(["set", "per-filter"]),
    /**
     * Which Flink API key the running statements use. Bumping it rotates the key: a new key, new statements that
     * carry the old ones' offsets over (a statement's credentials cannot change in place), the old key kept until
     * the stopped statements are cleaned up (README, "Rotating the Flink API key"). @default 1
     */
    apiKeyGeneration: z.number().int().min(1).default(1),
  }),
  source: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    database: postgresName,
    // The captured tables are declared with their columns in the filters file (filters/sources.ts).
    replicationRole: postgresName,
    slotName: postgresName,
    publicationName: postgresName,
    /**
     * The managed connector's name. Changing it replaces the connector; the new one continues from the
     * replication slot without a snapshot (lock/connector-lock.ts). @default cdc-routing-<stage>-postgres-cdc
     */
    connectorName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be lower-case letters, digits and hyphens, at most 64")
      .optional(),
    sslMode: z.enum(["require", "verify-ca", "verify-full"]),
    /**
     * Where PostgreSQL runs. aurora: Amazon Aurora/RDS, whose master user is not a superuser and cannot grant
     * REPLICATION, so the role gets `rds_replication`; self-managed: the role gets the REPLICATION attribute
     * (needs a superuser admin) and no Aurora parameter group is created. @default aurora
     */
    platform: z.enum(["aurora", "self-managed"]).default("aurora"),
    /**
     * Aurora/RDS: CloudWatch alarms that catch a replication slot nobody reads before its WAL fills the disk
     * (README, Replication slot). Required on aurora; a self-managed server is watched with the README's query.
     */
    slotAlarms: z
      .strictObject({
        /** The Aurora cluster the database runs in (its writer publishes the metrics). */
        dbClusterIdentifier: z
          .string()
          .regex(
            /^[a-z][a-z0-9-]{0,62}$/,
            "must be an Aurora cluster identifier (lower-case letters, digits, hyphens)",
          ),
        /** SNS topic the alarms notify. */
        notificationTopicArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN"),
        /** OldestReplicationSlotLag above this many bytes of WAL alarms. */
        oldestSlotLagBytes: z.number().int().positive(),
        /** TransactionLogsDiskUsage above this many bytes alarms. */
        transactionLogsDiskBytes: z.number().int().positive(),
      })
      .optional(),
  }),
  aws: z.strictObject({
    region: z.string().min(1),
    auroraParameterGroupFamily: z.string().regex(/^aurora-postgresql\d+$/),
  }),
  /**
   * The alerts generated for the stage (monitoring/model.ts, docs/monitoring.md): thresholds and how long each
   * condition must hold before it alerts. A consumer's own lag threshold in filters.yaml (`consumers:`) wins over
   * maxLag and lagFor.
   */
  monitoring: z.strictObject({
    /** Records a consumer group may lag behind its topics' ends. */
    maxLag: z.number().int().positive(),
    /** How long the lag stays above maxLag before it alerts. */
    lagFor: duration,
    /** How long a consumer group may be missing from the lag metric (no active member) before it alerts. */
    absentFor: duration,
    /** How long every raw topic may receive nothing before it alerts: longer than the quietest hour of the source. */
    rawSilentFor: duration,
    /** How long a statement may write nothing while it reads records before it alerts. */
    stalledFor: duration,
    /** How long a statement's backlog (pending records) may grow before it alerts. */
    backlogFor: duration,
    /** How long the connector may be other than RUNNING, or a task failed, before it alerts. */
    connectorFor: duration,
    /** How long the metrics scrape may fail, or name a resource it cannot read, before it alerts. */
    scrapeFor: duration,
  }),
  backend: backendSchema,
  /** prevent_destroy on the cluster and topics. */
  protectFromDestroy: z.boolean(),
  /** The stage's KMS key roles, secret readers and API key generations (stages/credentials.ts). */
  credentials: credentialsSchema,
  /** Addresses that moved since the stage was deployed (stages/deployed-before.ts). */
  deployedBefore: deployedBeforeSchema,
});

export type StageConfig = z.infer<typeof stageConfigSchema>;
export type KafkaClusterSizing = StageConfig["kafka"];

export class StageConfigError extends InputError {}

/** Validates one stage's values; the error lists every problem with its path. */
export function parseStageConfig(raw: unknown): StageConfig {
  const parsed = stageConfigSchema.safeParse(raw);
  if (parsed.success) {
    const cfg = parsed.data;
    const problems: string[] = [];
    for (const [which, t] of Object.entries(cfg.topics).filter(([k]) => k !== "minRetentionMs") as Array<
      [string, { retentionMs: number }]
    >) {
      if (t.retentionMs < cfg.topics.minRetentionMs)
        problems.push(
          `topics.${which}.retentionMs ${t.retentionMs} is below the stage minimum ${cfg.topics.minRetentionMs}`,
        );
    }
    if (cfg.protectFromDestroy && cfg.backend.kind === "local")
      problems.push("backend: a protected stage must keep remote state (s3)");
    problems.push(...basicClusterProblem(cfg.kafka), ...sourcePlatformProblem(cfg.source));
    if (problems.length === 0) return cfg;
    throw new StageConfigError(problems.map((p) => `stage ${cfg.name}: ${p}`));
  }
  const name = (raw as { name?: unknown })?.name;
  const stage = typeof name === "string" ? `stage ${name}` : "stage config";
  throw new StageConfigError(parsed.error.issues.map((i) => `${stage}: ${i.path.join(".") || "(root)"}: ${i.message}`));
}

export const days = (n: number): number => n * DAY_MS;

/**
 * Flink supports no ACLs ("Grant Role-Based Access in Confluent Cloud for Apache Flink",
 * https://docs.confluent.io/cloud/current/flink/operate-and-deploy/flink-rbac.html) and topic, group and
 * transactional-id role bindings exist only on Standard clusters and above ("Predefined RBAC Roles",
 * https://docs.confluent.io/cloud/current/security/access-control/rbac/predefined-rbac-roles.html), so on a
 * Basic cluster the routing statements could read and write nothing.
 */
export function basicClusterProblem(kafka: KafkaClusterSizing): string[] {
  if (kafka.type !== "basic" || kafka.flinkAccessOnBasic) return [];
  return [
    "kafka.type basic: Flink cannot be granted topic access on a Basic cluster (Flink supports no ACLs; topic, group and " +
      'transactional-id role bindings need Standard or above). Use type "standard", or accept CloudClusterAdmin for ' +
      'Flink\'s account on this cluster with kafka.flinkAccessOnBasic: "CloudClusterAdmin"',
  ];
}

/** An Amazon RDS/Aurora host with platform self-managed would need a superuser the RDS master user is not. */
export function sourcePlatformProblem(source: StageConfig["source"]): string[] {
  const aurora = source.platform === "aurora";
  return [
    ...(!aurora && /\.rds\.amazonaws\.com$/i.test(source.host)
      ? [
          `source.platform self-managed: ${source.host} is Amazon RDS/Aurora, whose master user cannot grant REPLICATION; use platform "aurora" (grants rds_replication)`,
        ]
      : []),
    ...(aurora && !source.slotAlarms
      ? [
          "source.slotAlarms: required on platform aurora (dbClusterIdentifier, notificationTopicArn, oldestSlotLagBytes, transactionLogsDiskBytes): an unread replication slot keeps all WAL until the disk is full",
        ]
      : []),
    ...(!aurora && source.slotAlarms
      ? [
          "source.slotAlarms: only for platform aurora (CloudWatch publishes these metrics for Amazon RDS/Aurora); watch a self-managed server with the query in the README (Replication slot)",
        ]
      : []),
  ];
}

/** The provider's cluster-type block: exactly one of basic/standard/enterprise/dedicated, as a list of one. */
export function clusterTypeBlock(kafka: KafkaClusterSizing): Record<string, unknown> {
  if (kafka.type === "dedicated") return { dedicated: [{ cku: kafka.cku }] };
  return { [kafka.type]: [{}] };
}

/** Granular topic RBAC needs Standard or above; Basic clusters get ACLs instead. */
export function accessControlFor(kafka: KafkaClusterSizing): "acl" | "rbac" {
  return kafka.type === "basic" ? "acl" : "rbac";
}

/**
 * The longest one API call waits in back-off before the provider gives up, when no Retry-After comes: retry i
 * (0-based) waits 2^i s, capped at 30 s (go-retryablehttp's DefaultBackoff with the provider's defaults, 1 s to 30 s).
 */
export function retryBudgetSeconds(maxRetries: number): number {
  let total = 0;
  for (let i = 0; i < maxRetries; i++) total += Math.min(2 ** i, 30);
  return total;
}

/** Kafka topic config as the provider takes it (strings). */
export function topicConfig(retentionMs: number): Record<string, string> {
  return { "cleanup.policy": "delete", "retention.ms": String(retentionMs) };
}

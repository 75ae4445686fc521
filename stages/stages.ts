/** The three stages' values. Validated by stages/config.ts when the app starts. */

import { BACKEND_ENV, BackendOverrideError, backendWithOverrides } from "./backend";
import { days, parseStageConfig, type StageConfig } from "./config";
import type { StageName } from "./names";
import { resourceNames } from "./resource-names";

const GIB = 1024 ** 3;

/** Alarms well before an unread slot's WAL could fill the disk; the thresholds grow with the stage's traffic. */
const slotAlarms = (stage: StageName, lagGib: number, diskGib: number) => ({
  dbClusterIdentifier: `business-${stage}`,
  notificationTopicArn: `arn:aws:sns:eu-west-1:123456789012:${resourceNames(stage).alertsTopic}`,
  oldestSlotLagBytes: lagGib * GIB,
  transactionLogsDiskBytes: diskGib * GIB,
});

const source = (stage: StageName, host: string, alarms: ReturnType<typeof slotAlarms>) => ({
  host,
  port: 5432,
  database: "business",
  replicationRole: resourceNames(stage).postgres,
  slotName: resourceNames(stage).postgres,
  publicationName: resourceNames(stage).postgres,
  sslMode: "require" as const,
  // Aurora: the role gets rds_replication (the master user cannot grant REPLICATION).
  platform: "aurora" as const,
  slotAlarms: alarms,
});

// Every stage runs in the same cloud region as its Aurora database.
const placement = {
  aws: { region: "eu-west-1", auroraParameterGroupFamily: "aurora-postgresql15" },
};
// maxRetries: Confluent publishes no Cloud API rate limits (README, "API limits"); a throttled call is retried
// for up to 2 minutes (8) or 3 minutes (10, prod: a prod apply failing half-way costs most).
const confluent = (streamGovernance: "ESSENTIALS" | "ADVANCED", maxRetries: number) => ({
  cloud: "AWS",
  region: placement.aws.region,
  streamGovernance,
  maxRetries,
});
// State: S3 with the S3-native lock file. Overridable per run from the environment (stages/backend.ts).
const s3State = (stage: StageName) => ({
  kind: "s3",
  bucket: "cdc-routing-terraform-state",
  key: resourceNames(stage).stateKey,
  region: placement.aws.region,
  lock: "s3-lockfile",
});

// The stages' AWS account. Each stage has its own apply and plan roles (the deploy workflows assume them:
// vars.AWS_APPLY_ROLE_ARN and vars.AWS_PLAN_ROLE_ARN of the stage's environments) and each consumer team its
// reader role per stage; the stack creates none of them, it names them in the stage's KMS key policy.
const ACCOUNT = "123456789012";
const SHIPPED_CONSUMERS = ["loan-servicing", "loan-payments", "car-inventory", "service-history"];
const credentials = (stage: StageName) => ({
  applyRoleArn: `arn:aws:iam::${ACCOUNT}:role/${resourceNames(stage).prefix}-apply`,
  planRoleArn: `arn:aws:iam::${ACCOUNT}:role/${resourceNames(stage).prefix}-plan`,
  consumers: Object.fromEntries(
    SHIPPED_CONSUMERS.map((c) => [c, { readers: [`arn:aws:iam::${ACCOUNT}:role/${c}-${stage}`] }]),
  ),
});
// deployedBefore.grantRenaming is false for all three: the deploy workflow applies dev, staging and prod in turn on
// every merge to main, and these stages are taken as deployed by it since the renaming (74c8c4a) merged, so their
// grants have moved; the moved blocks would now only keep the scanner from parsing the stacks. A stage whose last
// apply predates 74c8c4a sets it to true until it has applied once (docs/stages.md, "Moved grants").
const grantsRenamed = { grantRenaming: false };
/**
 * Alert thresholds (docs/monitoring.md). Lag is in records; the durations are how long a condition holds before it
 * alerts. The Metrics API's points are about 3 minutes old, so nothing is shorter than 5 minutes. A quiet source
 * table looks like a stopped connector: rawSilentFor is longer where traffic is sparse (dev).
 */
const monitoring = (maxLag: number, rawSilentFor: string) => ({
  maxLag,
  lagFor: "10m",
  absentFor: "15m",
  rawSilentFor,
  stalledFor: "15m",
  backlogFor: "15m",
  connectorFor: "5m",
  scrapeFor: "10m",
});

const RAW_STAGES: Record<StageName, unknown> = {
  dev: {
    name: "dev",
    confluent: confluent("ESSENTIALS", 8),
    // Standard, not Basic: Flink needs topic-level role bindings, which Basic does not have (README, Stages).
    kafka: { type: "standard", availability: "SINGLE_ZONE" },
    topics: {
      raw: { partitions: 3, retentionMs: days(3) },
      consumer: { partitions: 1, retentionMs: days(3) },
      minRetentionMs: days(1),
    },
    flink: { maxCfu: 5, shape: "set" },
    source: source("dev", "business-dev.cluster-example.eu-west-1.rds.amazonaws.com", slotAlarms("dev", 2, 5)),
    monitoring: monitoring(10_000, "6h"),
    ...placement,
    // CI applies dev on every merge, so its state must outlive the runner: S3 like the other stages.
    backend: s3State("dev"),
    protectFromDestroy: false,
    credentials: credentials("dev"),
    deployedBefore: grantsRenamed,
  },
  staging: {
    name: "staging",
    confluent: confluent("ESSENTIALS", 8),
    kafka: { type: "standard", availability: "SINGLE_ZONE" },
    topics: {
      raw: { partitions: 6, retentionMs: days(7) },
      consumer: { partitions: 3, retentionMs: days(7) },
      minRetentionMs: days(3),
    },
    flink: { maxCfu: 10, shape: "set" },
    source: source(
      "staging",
      "business-staging.cluster-example.eu-west-1.rds.amazonaws.com",
      slotAlarms("staging", 5, 10),
    ),
    monitoring: monitoring(10_000, "2h"),
    ...placement,
    backend: s3State("staging"),
    protectFromDestroy: false,
    credentials: credentials("staging"),
    deployedBefore: grantsRenamed,
  },
  prod: {
    name: "prod",
    confluent: confluent("ADVANCED", 10),
    kafka: { type: "standard", availability: "MULTI_ZONE" },
    topics: {
      raw: { partitions: 6, retentionMs: days(7) },
      consumer: { partitions: 6, retentionMs: days(7) },
      minRetentionMs: days(7),
    },
    flink: { maxCfu: 20, shape: "set" },
    source: source("prod", "business-prod.cluster-example.eu-west-1.rds.amazonaws.com", slotAlarms("prod", 10, 20)),
    monitoring: monitoring(5_000, "30m"),
    ...placement,
    backend: s3State("prod"),
    protectFromDestroy: true,
    credentials: credentials("prod"),
    deployedBefore: grantsRenamed,
  },
};

/** The stage's validated values, its state backend with the environment's CDC_ROUTING_STATE* overrides. */
export function stageConfig(name: StageName, env: NodeJS.ProcessEnv = process.env): StageConfig {
  const configured = parseStageConfig(RAW_STAGES[name]);
  const backend = backendWithOverrides(configured.backend, name, env);
  if (backend.kind === "local" && configured.protectFromDestroy) {
    throw new BackendOverrideError(
      `${BACKEND_ENV.kind}=local: stage ${name} is protected and keeps its state in S3; to plan it without cloud access use \`npx cdc-routing plan --stage ${name}\``,
    );
  }
  return backend === configured.backend ? configured : parseStageConfig({ ...configured, backend });
}

/**
 * Every physical name the stack gives a stage's resources, derived from the stage name alone: one place to read
 * what a stage's resources are called, and to see that no two stages share one. Renaming one replaces that
 * resource in every deployed stage, so a change here needs a reason in its commit.
 */
export interface ResourceNames {
  /** `cdc-routing-<stage>`: service accounts and API keys start with it; the connector's `topic.prefix`. */
  readonly prefix: string;
  /** The Confluent environment; Flink's catalog. */
  readonly environment: string;
  /** The Kafka cluster; Flink's database. */
  readonly kafkaCluster: string;
  readonly flinkComputePool: string;
  /** The CDC connector, unless the stage names its own (`source.connectorName`). */
  readonly connector: string;
  /** The service account and Cloud API key that read the stage's metrics (MetricsViewer). */
  readonly metricsReader: string;
  /** Consumer group of the Apache Flink job that routes on the local engines. */
  readonly localFlinkGroup: string;
  /** `cdc_routing_<stage>`: the PostgreSQL replication role, slot and publication. */
  readonly postgres: string;
  readonly auroraParameterGroup: string;
  /** The SNS topic the stage's alarms notify. */
  readonly alertsTopic: string;
  /** Object key of the stage's Terraform state in the state bucket. */
  readonly stateKey: string;
  readonly alarm: (name: string) => string;
  /** Secrets Manager secret holding a consumer's Kafka connection. */
  readonly consumerSecret: (consumer: string) => string;
  /** Alias of the stage's KMS key, which encrypts its secrets. */
  readonly secretsKeyAlias: string;
}

export function resourceNames(stage: string): ResourceNames {
  const prefix = `cdc-routing-${stage}`;
  return {
    prefix,
    environment: prefix,
    kafkaCluster: `${prefix}-kafka`,
    flinkComputePool: `${prefix}-flink`,
    connector: `${prefix}-postgres-cdc`,
    metricsReader: `${prefix}-metrics-reader`,
    localFlinkGroup: prefix,
    postgres: `cdc_routing_${stage}`,
    auroraParameterGroup: `${prefix}-logical-replication`,
    alertsTopic: `${prefix}-alerts`,
    stateKey: `${stage}/terraform.tfstate`,
    alarm: (name) => `${prefix}-${name}`,
    consumerSecret: (consumer) => `cdc-routing/${stage}/consumers/${consumer}`,
    secretsKeyAlias: `alias/${prefix}-secrets`,
  };
}

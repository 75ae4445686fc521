import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PostgresqlProvider } from "@cdktf/provider-postgresql/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { ConfluentProvider } from "../.gen/providers/confluent/provider";
import { accessPlan } from "../access/grants";
import { legacyGrantIndexes, NO_LEGACY_GRANTS } from "../access/legacy-grant-ids";
import type { FilterSet } from "../filters/model";
import { topicsByConsumer } from "../filters/topic-scopes";
import { routedColumns } from "../flink-sql/sink-schema";
import { getOrThrow } from "../lib/maps";
import { flinkApiKeysInUse } from "../lock/deployed-attributes";
import { StageRefusal } from "../lock/evolution";
import type { StageLock } from "../lock/lock-file";
import { expiredNotice } from "../lock/retention";
import { retainedTopics } from "../lock/retired-topics";
import { monitoredStatement, monitoringModel } from "../monitoring/model";
import { CONFLUENT_PROVIDER } from "../providers/pins";
import { accessControlFor, type StageConfig } from "../stages/config";
import { StreamGovernedEnvironment } from "./confluent-environment";
import { ConsumerSecrets } from "./consumer-secrets";
import { RoutingFlinkCompute } from "./flink-compute-pool";
import { RoutingStatements } from "./flink-statements";
import { PipelineIdentity } from "./identity";
import { RoutingKafkaCluster } from "./kafka-cluster";
import { MetricsReader } from "./metrics-reader";
import { MonitoringFiles } from "./monitoring-files";
import { withPlainDataResolve } from "./plain-data-resolve";
import { PostgresCdcConnector } from "./postgres-cdc-connector";
import { ReplicationSlotAlarms } from "./replication-slot-alarms";
import { StageSecretsKey } from "./secrets-key";
import { SourceDatabase } from "./source-database";
import { designStage, stageProblems } from "./stage-problems";
import { RoutingTopics } from "./topics";

export interface RoutingStageStackProps {
  /** The stage's validated config; its name is the stack's name. */
  readonly stage: StageConfig;
  readonly filters: FilterSet;
  /**
   * The stage's entry of lock/statements.lock.json: deployed statements, carry-over and stopped ones; undefined for
   * a stage never locked. Required all the same, so that a stack without one is a decision, not an oversight.
   */
  readonly lock: StageLock | undefined;
  /**
   * A plan against local doubles instead of the clouds (`cdc-routing plan`): the Confluent Cloud API base URL
   * (the provider's `endpoint`), and the AWS provider told not to reach AWS.
   * @default - Confluent Cloud (https://api.confluent.cloud) and AWS with the caller's credentials
   */
  readonly offline?: { readonly confluentApiEndpoint?: string };
  /**
   * UTC date (YYYY-MM-DD): kept statements whose retention ran out by then are left out.
   * @default - CDC_ROUTING_NOW, else the real date (lock/clock.ts)
   */
  readonly today?: string;
}

/** AWS provider settings that keep a plan off AWS: no credential check, no account lookup, no instance metadata. */
const AWS_OFFLINE = {
  accessKey: "offline-plan",
  secretKey: "offline-plan",
  skipCredentialsValidation: true,
  skipRequestingAccountId: true,
  skipMetadataApiCheck: "true",
};

/** Secrets enter only as sensitive variables (TF_VAR_<name>); synth needs none of them. */
function secretVariable(scope: Construct, name: string, description: string): TerraformVariable {
  return new TerraformVariable(scope, name, { type: "string", sensitive: true, nullable: false, description });
}

/** Everything one stage needs, composed from filters.yaml and the stage config. */
export class RoutingStageStack extends TerraformStack {
  /** Lines for synth to print: kept statements left out because Confluent's retention ran out. */
  readonly notices: string[];

  /**
   * cdktf's prepareStack resolves every element once before synthesis, only so that references into another
   * stack become outputs and remote state before the real resolve. A stage's stack refers to no other stack (each
   * stage is deployed alone), so that pass is left out: at 400 filters it was a fourth of synth.
   * `__tests__/app/synth-output.integration.test.ts` shows every stage's output unchanged by it.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /**
   * cdktf's synthesis, with plain data walked without cdktf's per-value resolution contexts
   * (constructs/plain-data-resolve.ts).
   */
  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    return withPlainDataResolve(() => super.toTerraform());
  }

  /**
   * No `id`, unlike other constructs: the stack's id is the stage name (`props.stage.name`). It is the name
   * `cdktf deploy <stage>` selects and the stack's output directory (cdktf.out/stacks/<stage>), so a second name
   * chosen apart from the stage could only disagree with it.
   */
  constructor(scope: Construct, props: RoutingStageStackProps) {
    const { stage, filters, lock, offline } = props;
    super(scope, stage.name);
    const design = designStage(props);
    const problems = stageProblems(props, design);
    if (problems.length > 0) throw new StageRefusal(problems);
    const { names, sql, deployment, connectorName, deployed, sources, rawSchemas } = design;
    // Removed filters' topics stay declared where topics are protected (prod): data outlives the filter. Not
    // checked against consumers' prefixes: a kept topic under a consumer's prefix is in that consumer's namespace
    // and stays readable so it can be drained; refusing it would block removing one of several filters of a
    // consumer, since the clean-up that drops the topic cannot run in the change that stops its statement.
    const retained = stage.protectFromDestroy ? retainedTopics(lock, filters.sources) : [];

    if (stage.backend.kind === "s3") {
      const { bucket, key, region, lock } = stage.backend;
      new S3Backend(this, {
        bucket,
        key,
        region,
        encrypt: true,
        ...(lock === "s3-lockfile" ? {} : { dynamodbTable: lock.dynamodbTable }),
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed option for it.
      if (lock === "s3-lockfile") this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      new LocalBackend(this, { path: `terraform.${stage.name}.tfstate` });
    }

    const cloudKey = secretVariable(
      this,
      "confluent_cloud_api_key",
      "Confluent Cloud API key (Cloud resource management)",
    );
    const cloudSecret = secretVariable(this, "confluent_cloud_api_secret", "Confluent Cloud API secret");
    const dbAdminUser = new TerraformVariable(this, "source_db_admin_username", {
      type: "string",
      nullable: false,
      description: "PostgreSQL user that creates the replication role and publication",
    });
    const dbAdminPassword = secretVariable(this, "source_db_admin_password", "Password of source_db_admin_username");
    const replicationPassword = secretVariable(
      this,
      "source_db_replication_password",
      "Password of the CDC replication role",
    );

    new ConfluentProvider(this, "confluent", {
      cloudApiKey: cloudKey.stringValue,
      cloudApiSecret: cloudSecret.stringValue,
      maxRetries: stage.confluent.maxRetries,
      endpoint: offline?.confluentApiEndpoint,
    });
    // The generated bindings carry no version: pin the provider the schema was taken from.
    this.addOverride("terraform.required_providers.confluent.version", `= ${CONFLUENT_PROVIDER.version}`);
    new AwsProvider(this, "aws", {
      region: stage.aws.region,
      defaultTags: [{ tags: { "managed-by": "cdc-routing", stage: stage.name } }],
      ...(offline ? AWS_OFFLINE : {}),
    });
    new PostgresqlProvider(this, "postgresql", {
      host: stage.source.host,
      port: stage.source.port,
      database: stage.source.database,
      username: dbAdminUser.stringValue,
      password: dbAdminPassword.stringValue,
      sslmode: stage.source.sslMode,
      superuser: false,
    });

    // Flink's catalog and database are these display names (statement properties, recorded in the lock).
    const env = new StreamGovernedEnvironment(this, "environment", {
      displayName: deployment.catalog,
      streamGovernance: stage.confluent.streamGovernance,
    });
    const kafka = new RoutingKafkaCluster(this, "kafka", {
      displayName: deployment.database,
      environment: env.environment,
      cloud: stage.confluent.cloud,
      region: stage.confluent.region,
      sizing: stage.kafka,
      protectFromDestroy: stage.protectFromDestroy,
    });
    const flink = new RoutingFlinkCompute(this, "flink", {
      displayName: names.flinkComputePool,
      environment: env.environment,
      cloud: stage.confluent.cloud,
      region: stage.confluent.region,
      maxCfu: stage.flink.maxCfu,
    });
    const identity = new PipelineIdentity(this, "identity", {
      namePrefix: names.prefix,
      organization: env.organization,
      environment: env.environment,
      cluster: kafka.cluster,
      schemaRegistry: env.schemaRegistry,
      flinkRegion: flink.region,
      plan: accessPlan(filters, stage.name, retained),
      accessControl: accessControlFor(stage.kafka),
      legacy: stage.deployedBefore.grantRenaming ? legacyGrantIndexes(filters.sourceTopic, deployed) : NO_LEGACY_GRANTS,
      flinkApiKeys: flinkApiKeysInUse(lock, deployment),
      credentials: stage.credentials,
    });
    const topics = new RoutingTopics(this, "topics", {
      cluster: kafka.cluster,
      schemaRegistry: env.schemaRegistry,
      kafkaCredentials: identity.managerKafka,
      schemaRegistryCredentials: identity.managerSchemaRegistry,
      raws: sources.map((source) => ({ source, valueSchema: getOrThrow(rawSchemas, source.rawTopic) })),
      raw: stage.topics.raw,
      consumer: stage.topics.consumer,
      filters: deployed.map((f) => ({
        name: f.name,
        outputTopic: f.outputTopic,
        columns: routedColumns(f, getOrThrow(filters.sources, f.source)),
      })),
      retainedTopics: retained,
      protectFromDestroy: stage.protectFromDestroy,
    });
    const db = new SourceDatabase(this, "source-database", {
      stage: stage.name,
      source: stage.source,
      tables: sources,
      auroraParameterGroupFamily: stage.aws.auroraParameterGroupFamily,
      replicationPassword: replicationPassword.stringValue,
    });
    if (stage.source.slotAlarms)
      new ReplicationSlotAlarms(this, "slot-alarms", {
        stage: stage.name,
        slotName: stage.source.slotName,
        alarms: stage.source.slotAlarms,
      });
    const cdc = new PostgresCdcConnector(this, "cdc", {
      stage: stage.name,
      source: stage.source,
      tables: sources,
      connectorName,
      // connectorLockProblems checked that the lock records this connector; a stage never locked has its first.
      snapshotMode: lock?.connector?.snapshotMode,
      serviceAccount: identity.connector,
      databasePassword: replicationPassword.stringValue,
      environment: env.environment,
      cluster: kafka.cluster,
      // After the stack's raw value schema: the connector's own registration then meets it, never precedes it.
      // The slot too: created before the connector reads it, dropped only after the connector is gone.
      dependsOn: [
        ...topics.rawTopics.values(),
        ...topics.rawSchemas.values(),
        db.publication,
        db.replicationSlot,
        ...(identity.grants.get("connector") ?? []),
      ],
    });
    const statements = new RoutingStatements(this, "routing", {
      sql,
      // No entry yet is only consistent with no statements (lockProblems checked): nothing runs or is stopped.
      lock: lock ?? { running: [], stopped: [], partitions: {} },
      today: props.today,
      organization: env.organization,
      environment: env.environment,
      cluster: kafka.cluster,
      computePool: flink.pool,
      principal: identity.flink,
      flinkRegion: flink.region,
      flinkApiKeys: identity.flinkApiKeys,
      deployment,
      // Every table a statement names is inferred from a topic and its registered value schema, so both exist
      // first; and the connector, which creates the replication slot the raw topic's data comes from.
      dependsOn: [
        ...topics.rawTopics.values(),
        ...topics.rawSchemas.values(),
        ...topics.consumerTopics.values(),
        ...topics.sinkSchemas,
        cdc.connector,
        ...(identity.grants.get("flink") ?? []),
      ],
    });
    // The stage's own KMS key encrypts every secret the stack writes.
    const secretsKey = new StageSecretsKey(this, "secrets-key", {
      stage: stage.name,
      region: stage.aws.region,
      credentials: stage.credentials,
      consumers: [...identity.consumerKafkaKeys.keys()],
      protectFromDestroy: stage.protectFromDestroy,
    });
    this.notices = [...statements.expired.map((s) => expiredNotice(stage.name, s)), ...secretsKey.notices];
    new ConsumerSecrets(this, "consumer-secrets", {
      stage: stage.name,
      cluster: kafka.cluster,
      keys: identity.consumerKafkaKeys,
      topics: topicsByConsumer(deployed),
      kmsKeyArn: secretsKey.key.arn,
    });

    // Monitoring (docs/monitoring.md): who reads the metrics, and the alerts, scrape and dashboard beside the stack.
    const metricsApi = offline?.confluentApiEndpoint;
    new MetricsReader(this, "metrics-reader", {
      displayName: names.metricsReader,
      environment: env.environment,
      cluster: kafka.cluster,
      connector: cdc.connector,
      computePool: flink.pool,
      metricsApi,
    });
    const monitored = sql.statements.map(monitoredStatement);
    const model = monitoringModel({ stage, filters, statements: monitored, connector: connectorName });
    new MonitoringFiles(this, "monitoring", { model, metricsApi });
    // What `cdc-routing status` reads (cli/status.ts): where each of the stage's resources answers.
    new TerraformOutput(this, "status_targets", {
      value: {
        stage: stage.name,
        cloud_api_endpoint: offline?.confluentApiEndpoint ?? "https://api.confluent.cloud",
        organization_id: env.organization.id,
        environment_id: env.environment.id,
        kafka_cluster_id: kafka.cluster.id,
        kafka_bootstrap_endpoint: kafka.cluster.bootstrapEndpoint,
        schema_registry_endpoint: env.schemaRegistry.restEndpoint,
        connector_name: connectorName,
        compute_pool_id: flink.pool.id,
        flink_rest_endpoint: flink.region.restEndpoint,
        statements: statements.statements.map((s) => s.statementName),
      },
    });

    new TerraformOutput(this, "kafka_bootstrap_endpoint", { value: kafka.cluster.bootstrapEndpoint });
    new TerraformOutput(this, "flink_statement_names", { value: statements.statements.map((s) => s.statementName) });
    new TerraformOutput(this, "consumer_topics", {
      value: Object.fromEntries(deployed.map((f) => [f.name, f.outputTopic])),
    });
  }
}
